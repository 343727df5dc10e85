package dev.sscam.cam;

import dev.sscam.model.OnnxClassifier;
import dev.sscam.onnx.OnnxGraphBuilder;
import dev.sscam.onnx.OnnxModelFile;
import java.util.Random;

/** Small classifiers built by the tests, whose maps can be derived by hand. */
public final class TestModels {
  static final int SIZE = 8;
  static final int K = 4;
  static final int C = 3;

  private TestModels() {}

  /**
   * x [N,3,8,8] → Conv 1×1 (3→4, weights {@link #convWeights}) → Relu = A ("features") →
   * GlobalAveragePool → Flatten → Gemm(transB, W [3,4], bias) → logits. Optionally the input is
   * first multiplied by {@code region} (1 inside, 0 outside), so that every activation, and the
   * class scores, depend on that region only.
   */
  public static OnnxClassifier convGapLinear(float[] region, float activationScale) {
    OnnxGraphBuilder b = new OnnxGraphBuilder("conv_gap_linear").opset(13);
    b.input("input", -1, 3, SIZE, SIZE);
    String x = "input";
    if (region != null) {
      b.initializer("region", region, 1, 1, SIZE, SIZE);
      b.node("Mul").name("/mask/Mul").inputs("input", "region").outputs("masked").add();
      x = "masked";
    }
    float[] w = convWeights();
    for (int i = 0; i < w.length; i++) {
      w[i] *= activationScale;
    }
    b.initializer("conv.weight", w, K, 3, 1, 1);
    b.initializer("fc.weight", fcWeights(), C, K);
    b.initializer("fc.bias", new float[] {0.1f, -0.2f, 0.05f}, C);
    b.node("Conv").name("/features/conv/Conv").inputs(x, "conv.weight").outputs("conv_out").add();
    return reluGapLinear(b, "conv_gap_linear.onnx");
  }

  /**
   * As {@link #convGapLinear} without a region, but the 1×1 conv has stride 2: A is [4, 4, 4], so
   * {@code U} really upsamples (4×4 → 8×8) and ReLU before and after it differ.
   */
  static OnnxClassifier convStride2GapLinear() {
    OnnxGraphBuilder b = new OnnxGraphBuilder("conv_stride2_gap_linear").opset(13);
    b.input("input", -1, 3, SIZE, SIZE);
    b.initializer("conv.weight", convWeights(), K, 3, 1, 1);
    b.initializer("fc.weight", fcWeights(), C, K);
    b.initializer("fc.bias", new float[] {0.1f, -0.2f, 0.05f}, C);
    b.node("Conv").name("/features/conv/Conv").inputs("input", "conv.weight").outputs("conv_out")
        .attrInts("strides", 2, 2).add();
    return reluGapLinear(b, "conv_stride2_gap_linear.onnx");
  }

  /**
   * x [N,3,8,8] → Conv 1×1 stride 2 (3→{@code k}, seeded random weights, channel {@code j}'s scaled
   * by {@code decay^j}, so that activations range from large to tiny as in real layers) → Relu = A
   * [k, 4, 4] → GlobalAveragePool → Flatten → Gemm(transB, random [3, k]) → logits.
   */
  static OnnxClassifier wide(int k, double decay, long seed) {
    Random r = new Random(seed);
    float[] conv = new float[k * 3];
    for (int j = 0; j < k; j++) {
      for (int ch = 0; ch < 3; ch++) {
        conv[j * 3 + ch] = (float) (r.nextGaussian() * Math.pow(decay, j));
      }
    }
    float[] fc = new float[C * k];
    for (int i = 0; i < fc.length; i++) {
      fc[i] = (float) (2 * r.nextGaussian());
    }
    OnnxGraphBuilder b = new OnnxGraphBuilder("wide").opset(13);
    b.input("input", -1, 3, SIZE, SIZE);
    b.initializer("conv.weight", conv, k, 3, 1, 1);
    b.initializer("fc.weight", fc, C, k);
    b.initializer("fc.bias", new float[C], C);
    b.node("Conv").name("/features/conv/Conv").inputs("input", "conv.weight").outputs("conv_out")
        .attrInts("strides", 2, 2).add();
    return reluGapLinear(b, "wide.onnx");
  }

  /** The shared head: "conv_out" → Relu = A ("features") → GlobalAveragePool → Flatten → Gemm(transB) → logits. */
  private static OnnxClassifier reluGapLinear(OnnxGraphBuilder b, String fileName) {
    b.node("Relu").name("/features/relu/Relu").inputs("conv_out").outputs("features").add();
    b.node("GlobalAveragePool").name("/avgpool/GlobalAveragePool").inputs("features").outputs("pooled").add();
    b.node("Flatten").name("/Flatten").inputs("pooled").outputs("flat").add();
    b.node("Gemm").name("/fc/Gemm").inputs("flat", "fc.weight", "fc.bias").outputs("logits").attrInt("transB", 1).add();
    b.output("logits");
    return OnnxClassifier.open(OnnxModelFile.of(b.build(), fileName), null, 16, 1);
  }

  static float[] convWeights() {
    return new float[] {
        0.9f, 0.1f, 0.2f,
        -0.3f, 1.1f, 0.4f,
        0.5f, -0.6f, 0.8f,
        0.2f, 0.3f, -0.7f};
  }

  static float[] fcWeights() {
    return new float[] {
        1.5f, -0.5f, 0.8f, 0.3f,
        -0.4f, 1.2f, 0.1f, 0.9f,
        0.6f, 0.7f, -1.0f, 0.2f};
  }

  /** {@code A = ReLU(conv(x))} computed here, independently of ONNX Runtime: [K, 8, 8]. */
  static float[] activations(float[] x, float[] region) {
    float[] w = convWeights();
    int p = SIZE * SIZE;
    float[] a = new float[K * p];
    for (int k = 0; k < K; k++) {
      for (int i = 0; i < p; i++) {
        double s = 0;
        for (int ch = 0; ch < 3; ch++) {
          double v = x[ch * p + i] * (region == null ? 1 : region[i]);
          s += w[k * 3 + ch] * v;
        }
        a[k * p + i] = (float) Math.max(0, s);
      }
    }
    return a;
  }

  /** A smooth random image with structure (sums of blobs). */
  public static float[] image(long seed) {
    Random r = new Random(seed);
    int p = SIZE * SIZE;
    float[] x = new float[3 * p];
    for (int blob = 0; blob < 3; blob++) {
      double cy = r.nextDouble() * SIZE;
      double cx = r.nextDouble() * SIZE;
      double[] amp = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
      for (int y = 0; y < SIZE; y++) {
        for (int xx = 0; xx < SIZE; xx++) {
          double g = Math.exp(-((y - cy) * (y - cy) + (xx - cx) * (xx - cx)) / 6.0);
          for (int ch = 0; ch < 3; ch++) {
            x[ch * p + y * SIZE + xx] += (float) (amp[ch] * 2 * g);
          }
        }
      }
    }
    return x;
  }

  /** 1 inside rows/cols [2, 5), 0 elsewhere. */
  static float[] region() {
    float[] m = new float[SIZE * SIZE];
    for (int y = 2; y < 5; y++) {
      for (int x = 2; x < 5; x++) {
        m[y * SIZE + x] = 1;
      }
    }
    return m;
  }
}
