package dev.sscam.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.sscam.cam.CamOptions;
import dev.sscam.cam.Explainer;
import dev.sscam.cam.Methods;
import dev.sscam.cam.SaliencyMap;
import dev.sscam.onnx.OnnxGraphBuilder;
import dev.sscam.onnx.OnnxModelFile;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A ShuffleNetV2-style channel shuffle (reshape to 5-D from the runtime shape, transpose, reshape
 * back) hides the rank of every later tensor from ONNX Runtime's static shape inference; the
 * layers after it must still be listed, with the shapes of the probe run.
 */
class ChannelShuffleModelTest {
  static final int S = 6;
  static final int K = 4;
  static final int C = 3;
  private static final float[] FC_W = gaussian(new Random(7), C * K);
  private static final float[] FC_B = {0.1f, -0.1f, 0.2f};

  /**
   * x [N,3,6,6] → stage2: Conv 1×1 (3→4) + Relu → channel shuffle (groups 2, shapes computed from
   * Shape(x) as torchvision's export does) → stage3: Conv 3×3 pad 1 (4→4) + Relu → conv5: Conv 1×1
   * (4→4) + Relu → ReduceMean over H, W → fc (Gemm) → logits [N,3].
   */
  static ModelProto shuffleModel() {
    OnnxGraphBuilder b = new OnnxGraphBuilder("shuffle").opset(13);
    b.input("input", -1, 3, S, S);
    Random r = new Random(5);
    b.initializer("stage2.w", gaussian(r, K * 3), K, 3, 1, 1);
    b.initializer("stage3.w", gaussian(r, K * K * 9), K, K, 3, 3);
    b.initializer("conv5.w", gaussian(r, K * K), K, K, 1, 1);
    b.initializer("fc.w", FC_W, C, K);
    b.initializer("fc.b", FC_B, C);
    b.node("Conv").name("/stage2/stage2.0/Conv").inputs("input", "stage2.w").outputs("s2c").add();
    b.node("Relu").name("/stage2/stage2.1/Relu").inputs("s2c").outputs("s2").add();
    // channel_shuffle(x, 2): view(n, 2, c/2, h, w).transpose(1, 2).view(n, c, h, w), n from Shape(x)
    b.initializer("i0", new long[] {0}, 1);
    b.initializer("i2", new long[] {2}, 1);
    b.initializer("i3", new long[] {3}, 1);
    b.initializer("groups", new long[] {2}, 1);
    b.initializer("perGroup", new long[] {K / 2}, 1);
    b.initializer("minus1", new long[] {-1}, 1);
    b.node("Shape").name("/channel_shuffle/Shape").inputs("s2").outputs("shape").add();
    b.node("Gather").name("/channel_shuffle/Gather").inputs("shape", "i0").outputs("n").attrInt("axis", 0).add();
    b.node("Gather").name("/channel_shuffle/Gather_1").inputs("shape", "i2").outputs("h").attrInt("axis", 0).add();
    b.node("Gather").name("/channel_shuffle/Gather_2").inputs("shape", "i3").outputs("w").attrInt("axis", 0).add();
    b.node("Concat").name("/channel_shuffle/Concat").inputs("n", "groups", "perGroup", "h", "w").outputs("shape5")
        .attrInt("axis", 0).add();
    b.node("Reshape").name("/channel_shuffle/Reshape").inputs("s2", "shape5").outputs("x5").add();
    b.node("Transpose").name("/channel_shuffle/Transpose").inputs("x5").outputs("t5").attrInts("perm", 0, 2, 1, 3, 4).add();
    b.node("Concat").name("/channel_shuffle/Concat_1").inputs("n", "minus1", "h", "w").outputs("shape4").attrInt("axis", 0).add();
    b.node("Reshape").name("/channel_shuffle/Reshape_1").inputs("t5", "shape4").outputs("shuffled").add();
    b.node("Conv").name("/stage3/stage3.0/Conv").inputs("shuffled", "stage3.w").outputs("s3c")
        .attrInts("pads", 1, 1, 1, 1).add();
    b.node("Relu").name("/stage3/stage3.1/Relu").inputs("s3c").outputs("s3").add();
    b.node("Conv").name("/conv5/conv5.0/Conv").inputs("s3", "conv5.w").outputs("c5c").add();
    b.node("Relu").name("/conv5/conv5.2/Relu").inputs("c5c").outputs("c5").add();
    b.node("ReduceMean").name("/ReduceMean").inputs("c5").outputs("pooled").attrInts("axes", 2, 3).attrInt("keepdims", 0).add();
    b.node("Gemm").name("/fc/Gemm").inputs("pooled", "fc.w", "fc.b").outputs("logits").attrInt("transB", 1).add();
    b.output("logits");
    return b.build();
  }

  static float[] gaussian(Random r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (0.6 * r.nextGaussian());
    }
    return v;
  }

  @Test
  void ortCannotInferTheRankAfterTheShuffle() throws Exception {
    // The premise: without the probe run, stage3 and conv5 would be invisible.
    ModelProto m = dev.sscam.onnx.GraphSurgery.addOutputs(shuffleModel(), List.of("s3", "c5"));
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        OrtSession s = OnnxClassifier.environment().createSession(m.toByteArray(), o)) {
      for (String name : List.of("s3", "c5")) {
        assertThat(((TensorInfo) s.getOutputInfo().get(name).getInfo()).getShape()).as(name).isEmpty();
      }
    }
  }

  @Test
  void layersAfterTheShuffleAreListedAndConv5IsTheDefault() {
    try (OnnxClassifier model = OnnxClassifier.open(OnnxModelFile.of(shuffleModel(), "shuffle.onnx"), null, 4, 1)) {
      TargetLayer conv5 = model.layers().defaultLayer();
      assertThat(conv5.answersTo("conv5")).as("default %s", conv5).isTrue();
      assertThat(conv5.tensor()).isEqualTo("c5");
      assertThat(conv5.shape()).containsExactly(1, K, S, S);
      assertThat(model.layer("stage3").tensor()).isEqualTo("s3");
      assertThat(model.layer("stage2").tensor()).isEqualTo("s2");
    }
  }

  /**
   * Grad-CAM at conv5 against central finite differences of the head (conv5 → mean → fc, built
   * here as its own graph): {@code α_k = mean_ij (z_c(A + h e_kij) − z_c(A − h e_kij)) / 2h},
   * {@code L = ReLU(Σ α_k A_k)}, min-max normalised.
   */
  @Test
  void gradCamAtConv5MatchesFiniteDifferences() throws Exception {
    try (OnnxClassifier model = OnnxClassifier.open(OnnxModelFile.of(shuffleModel(), "shuffle.onnx"), null, 4, 1)) {
      float[] x = gaussian(new Random(11), 3 * S * S);
      SaliencyMap map = new Explainer(model).explain(x, Methods.byId("grad-cam"), CamOptions.builder().build());
      TargetLayer conv5 = model.layer("conv5");
      float[] a = model.activations(x, 1, conv5).values();
      int c = map.classIndex();
      int plane = S * S;
      double[] alpha = new double[K];
      double h = 1e-2;
      try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
          OrtSession head = OnnxClassifier.environment().createSession(headModel().toByteArray(), o)) {
        for (int j = 0; j < a.length; j++) {
          float[] plus = a.clone();
          float[] minus = a.clone();
          plus[j] += (float) h;
          minus[j] -= (float) h;
          double step = (double) plus[j] - minus[j];
          alpha[j / plane] += (logit(head, plus, c) - logit(head, minus, c)) / step / plane;
        }
      }
      for (int k = 0; k < K; k++) {
        assertThat((double) map.weights()[k]).as("alpha_%d", k).isCloseTo(alpha[k], within(2e-3 * (1 + Math.abs(alpha[k]))));
      }
      double[] l = new double[plane];
      for (int p = 0; p < plane; p++) {
        double v = 0;
        for (int k = 0; k < K; k++) {
          v += alpha[k] * a[k * plane + p];
        }
        l[p] = Math.max(0, v);
      }
      double min = java.util.Arrays.stream(l).min().orElseThrow();
      double max = java.util.Arrays.stream(l).max().orElseThrow();
      assertThat(max).as("a non-trivial map").isGreaterThan(min);
      for (int p = 0; p < plane; p++) {
        assertThat((double) map.cam()[p]).as("cam[%d]", p).isCloseTo((l[p] - min) / (max - min), within(5e-3));
      }
    }
  }

  /** conv5's output A [1,4,6,6] → ReduceMean → fc: the part of {@link #shuffleModel} after conv5. */
  private static ModelProto headModel() {
    OnnxGraphBuilder b = new OnnxGraphBuilder("head").opset(13);
    b.input("A", 1, K, S, S);
    b.initializer("fc.w", FC_W, C, K);
    b.initializer("fc.b", FC_B, C);
    b.node("ReduceMean").name("/ReduceMean").inputs("A").outputs("pooled").attrInts("axes", 2, 3).attrInt("keepdims", 0).add();
    b.node("Gemm").name("/fc/Gemm").inputs("pooled", "fc.w", "fc.b").outputs("logits").attrInt("transB", 1).add();
    b.output("logits");
    return b.build();
  }

  private static double logit(OrtSession head, float[] a, int c) throws Exception {
    try (OnnxTensor t = OnnxTensor.createTensor(OnnxClassifier.environment(), FloatBuffer.wrap(a), new long[] {1, K, S, S});
        OrtSession.Result r = head.run(Map.of("A", t))) {
      return ((OnnxTensor) r.get(0)).getFloatBuffer().get(c);
    }
  }
}
