package dev.sscam.onnx.gradient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnxruntime.OrtSession;
import dev.sscam.SscamException;
import dev.sscam.onnx.OnnxGraphBuilder;
import dev.sscam.onnx.gradient.GradientCheck.Result;
import dev.sscam.onnx.gradient.GradientCheck.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Chains of ops, an analytic case, side inputs and the refusals of {@link HeadGradient}. */
class HeadGradientTest {
  private final Random random = new Random(5);

  private float[] gaussian(int n, double scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (random.nextGaussian() * scale);
    }
    return v;
  }

  @Test
  void convReluMaxPoolFlattenGemmChain() throws Exception {
    ModelProto m = new OnnxGraphBuilder("chain").opset(13).input("A", -1, 3, 8, 8)
        .initializer("W", gaussian(4 * 3 * 9, 0.3), 4, 3, 3, 3)
        .initializer("b", gaussian(4, 0.1), 4)
        .initializer("G", gaussian(5 * 64, 0.2), 5, 64)
        .node("Conv").name("conv").inputs("A", "W", "b").outputs("c").attrInts("pads", 1, 1, 1, 1).add()
        .node("Relu").name("relu").inputs("c").outputs("r").add()
        .node("MaxPool").name("pool").inputs("r").outputs("p").attrInts("kernel_shape", 2, 2)
        .attrInts("strides", 2, 2).add()
        .node("Flatten").name("flatten").inputs("p").outputs("f").add()
        .node("Gemm").name("fc").inputs("f", "G").outputs("z").attrInt("transB", 1).add()
        .output("z").build();
    Tensor a = new Tensor(GradientCheck.separated(2 * 3 * 64, 3), new long[] {2, 3, 8, 8});
    // small step: pre-activations after the conv are not separated like A
    Result r = GradientCheck.check(m, "A", a, Map.of(), "z", 1e-3, 9);
    System.out.printf("FD chain conv-relu-maxpool-flatten-gemm max rel err %.2e%n", r.relativeError());
    assertThat(r.relativeError()).isLessThan(1e-2);
  }

  @Test
  void residualAddReadsASideInput() throws Exception {
    ModelProto m = new OnnxGraphBuilder("residual").opset(13).input("A", -1, 3, 4, 4).input("S", -1, 3, 4, 4)
        .initializer("W", gaussian(3 * 3, 0.5), 3, 3, 1, 1)
        .initializer("G", gaussian(5 * 3, 0.5), 5, 3)
        .node("Conv").name("conv").inputs("A", "W").outputs("c").add()
        .node("Add").name("skip_add").inputs("c", "S").outputs("s").add()
        .node("Tanh").name("act").inputs("s").outputs("t").add()
        .node("GlobalAveragePool").name("gap").inputs("t").outputs("g").add()
        .node("Flatten").name("flatten").inputs("g").outputs("f").add()
        .node("Gemm").name("fc").inputs("f", "G").outputs("z").attrInt("transB", 1).add()
        .output("z").build();
    GradientGraph g = HeadGradient.compile(m, "A", "z");
    assertThat(g.sideInputs()).containsExactly("S");
    Tensor a = new Tensor(gaussian(2 * 48, 0.7), new long[] {2, 3, 4, 4});
    Tensor s = new Tensor(gaussian(2 * 48, 0.7), new long[] {2, 3, 4, 4});
    Result r = GradientCheck.check(m, "A", a, Map.of("S", s), "z", 1e-2, 4);
    System.out.printf("FD residual add with side input max rel err %.2e%n", r.relativeError());
    assertThat(r.relativeError()).isLessThan(5e-3);
  }

  /** torch.flatten as exported: Shape → Gather(0) → Unsqueeze → Concat([-1]) → Reshape. */
  @ParameterizedTest(name = "opset {0}")
  @ValueSource(ints = {9, 11, 13, 17})
  void torchExportStyleFlatten(int opset) throws Exception {
    OnnxGraphBuilder b = new OnnxGraphBuilder("torch_flatten").opset(opset).input("A", -1, 4, 3, 3)
        .initializer("G", gaussian(5 * 4, 0.5), 5, 4)
        .initializer("bias", gaussian(5, 0.5), 5)
        .node("GlobalAveragePool").name("avgpool").inputs("A").outputs("p").add()
        .node("Shape").name("shape").inputs("p").outputs("shp").add()
        .node("Constant").name("zero").outputs("zero")
        .attrTensor("value", OnnxGraphBuilder.int64Tensor("v", new long[] {0})).add()
        .node("Gather").name("gather").inputs("shp", "zero").outputs("batch").attrInt("axis", 0).add();
    if (opset < 13) {
      b.node("Unsqueeze").name("unsq").inputs("batch").outputs("batch1").attrInts("axes", 0).add();
    } else {
      b.initializer("ax0", new long[] {0}, 1)
          .node("Unsqueeze").name("unsq").inputs("batch", "ax0").outputs("batch1").add();
    }
    b.node("Constant").name("minus_one").outputs("m1")
        .attrTensor("value", OnnxGraphBuilder.int64Tensor("v", new long[] {-1}, 1)).add()
        .node("Concat").name("concat").inputs("batch1", "m1").outputs("newshape").attrInt("axis", 0).add()
        .node("Reshape").name("reshape").inputs("p", "newshape").outputs("f").add()
        .node("Gemm").name("fc").inputs("f", "G", "bias").outputs("z").attrInt("transB", 1).add()
        .output("z");
    ModelProto m = b.build();
    Tensor a = new Tensor(gaussian(2 * 36, 1), new long[] {2, 4, 3, 3});
    Result r = GradientCheck.check(m, "A", a, Map.of(), "z", 1e-2, 2);
    System.out.printf("FD torch-style flatten opset %d max rel err %.2e%n", opset, r.relativeError());
    assertThat(r.relativeError()).isLessThan(5e-3);
    // exact too: dz/dA_k(i,j) = sum_c seed[n,c] G[c,k] / 9, checked by the FD; and no side inputs
    assertThat(HeadGradient.compile(m, "A", "z").sideInputs()).isEmpty();
  }

  /**
   * Target after a conv: z = G·mean_hw(A) + b, so for a one-hot seed of class c,
   * dz_c/dA_k(i,j) = G[c,k] / (h·w) exactly.
   */
  @Test
  void analyticGlobalAveragePoolGemm() throws Exception {
    int k = 4;
    int classes = 3;
    int h = 5;
    int w = 6;
    float[] g = gaussian(classes * k, 1);
    ModelProto m = new OnnxGraphBuilder("analytic").opset(13).input("X", -1, 2, h, w)
        .initializer("Wc", gaussian(k * 2 * 9, 0.5), k, 2, 3, 3)
        .initializer("G", g, classes, k)
        .initializer("bias", gaussian(classes, 1), classes)
        .node("Conv").name("conv").inputs("X", "Wc").outputs("A").attrInts("pads", 1, 1, 1, 1).add()
        .node("GlobalAveragePool").name("gap").inputs("A").outputs("p").add()
        .node("Flatten").name("flatten").inputs("p").outputs("f").add()
        .node("Gemm").name("fc").inputs("f", "G", "bias").outputs("z").attrInt("transB", 1).add()
        .output("z").build();
    GradientGraph graph = HeadGradient.compile(m, "A", "z");
    assertThat(graph.sideInputs()).isEmpty();
    assertThat(graph.model().getGraph().getNodeList()).extracting(NodeProto::getOpType).doesNotContain("Conv");
    int n = 3;
    int[] classOf = {2, 0, 1};
    float[] seed = new float[n * classes];
    for (int s = 0; s < n; s++) {
      seed[s * classes + classOf[s]] = 1f;
    }
    Tensor a = new Tensor(gaussian(n * k * h * w, 1), new long[] {n, k, h, w});
    float[] grad = GradientCheck.compiledGradient(graph, a, Map.of(), seed, n, classes);
    double maxErr = 0;
    for (int s = 0; s < n; s++) {
      for (int ch = 0; ch < k; ch++) {
        double expected = g[classOf[s] * k + ch] / (double) (h * w);
        for (int p = 0; p < h * w; p++) {
          maxErr = Math.max(maxErr, Math.abs(grad[((s * k) + ch) * h * w + p] - expected));
        }
      }
    }
    System.out.printf("analytic GAP-Gemm max abs err %.2e%n", maxErr);
    assertThat(maxErr).isLessThan(1e-7);
  }

  /** A 1x1 conv inside the head: dz_c/dA_k(i,j) = Σ_m G[c,m]·Wc[m,k] / (h·w). */
  @Test
  void analyticOneByOneConvInTheHead() throws Exception {
    int k = 3;
    int mid = 4;
    int classes = 2;
    float[] wc = gaussian(mid * k, 1);
    float[] g = gaussian(classes * mid, 1);
    ModelProto m = new OnnxGraphBuilder("analytic1x1").opset(9).input("A", -1, k, 3, 3)
        .initializer("Wc", wc, mid, k, 1, 1)
        .initializer("G", g, classes, mid)
        .node("Conv").name("conv1x1").inputs("A", "Wc").outputs("c").add()
        .node("GlobalAveragePool").name("gap").inputs("c").outputs("p").add()
        .node("Flatten").name("flatten").inputs("p").outputs("f").add()
        .node("Gemm").name("fc").inputs("f", "G").outputs("z").attrInt("transB", 1).add()
        .output("z").build();
    GradientGraph graph = HeadGradient.compile(m, "A", "z");
    float[] seed = {0, 1, 1, 0};
    Tensor a = new Tensor(gaussian(2 * k * 9, 1), new long[] {2, k, 3, 3});
    float[] grad = GradientCheck.compiledGradient(graph, a, Map.of(), seed, 2, classes);
    int[] classOf = {1, 0};
    double maxErr = 0;
    for (int s = 0; s < 2; s++) {
      for (int ch = 0; ch < k; ch++) {
        double expected = 0;
        for (int j = 0; j < mid; j++) {
          expected += (double) g[classOf[s] * mid + j] * wc[j * k + ch];
        }
        expected /= 9;
        for (int p = 0; p < 9; p++) {
          maxErr = Math.max(maxErr, Math.abs(grad[(s * k + ch) * 9 + p] - expected));
        }
      }
    }
    System.out.printf("analytic 1x1conv-GAP-Gemm max abs err %.2e%n", maxErr);
    assertThat(maxErr).isLessThan(1e-6);
  }

  /**
   * Target inside the model with a skip connection: the skip becomes a side input, the recomputed
   * logits equal the original model's, and the gradient matches central differences through the
   * compiled graph's recomputed output.
   */
  @Test
  void internalTargetWithSkipConnection() throws Exception {
    ModelProto m = new OnnxGraphBuilder("internal").opset(13).input("X", -1, 2, 5, 5)
        .initializer("W1", gaussian(3 * 2 * 9, 0.5), 3, 2, 3, 3)
        .initializer("W2", gaussian(3 * 2, 0.5), 3, 2, 1, 1)
        .initializer("W3", gaussian(3 * 3 * 9, 0.4), 3, 3, 3, 3)
        .initializer("G", gaussian(4 * 3, 0.5), 4, 3)
        .node("Conv").name("conv1").inputs("X", "W1").outputs("c1").attrInts("pads", 1, 1, 1, 1).add()
        .node("Relu").name("relu1").inputs("c1").outputs("R").add()
        .node("Conv").name("shortcut").inputs("X", "W2").outputs("S").add()
        .node("Conv").name("conv3").inputs("R", "W3").outputs("c3").attrInts("pads", 1, 1, 1, 1).add()
        .node("Add").name("add").inputs("c3", "S").outputs("sum").add()
        .node("Sigmoid").name("act").inputs("sum").outputs("act").add()
        .node("GlobalAveragePool").name("gap").inputs("act").outputs("p").add()
        .node("Flatten").name("flatten").inputs("p").outputs("f").add()
        .node("Gemm").name("fc").inputs("f", "G").outputs("z").attrInt("transB", 1).add()
        .output("z").build();
    GradientGraph g = HeadGradient.compile(m, "R", "z");
    assertThat(g.activationInput()).isEqualTo("R");
    assertThat(g.sideInputs()).containsExactly("S");

    ModelProto probe = m.toBuilder().setGraph(m.getGraph().toBuilder()
        .addOutput(OnnxGraphBuilder.valueInfo("R", 1, null))
        .addOutput(OnnxGraphBuilder.valueInfo("S", 1, null))).build();
    Tensor x = new Tensor(gaussian(2 * 50, 1), new long[] {2, 2, 5, 5});
    Map<String, Tensor> in = Map.of("X", x);
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        OrtSession original = GradientCheck.ENV.createSession(probe.toByteArray(), opts);
        OrtSession compiled = GradientCheck.ENV.createSession(g.model().toByteArray(), opts)) {
      float[] z = GradientCheck.run(original, in, "z");
      Tensor r = new Tensor(GradientCheck.run(original, in, "R"), new long[] {2, 3, 5, 5});
      Tensor s = new Tensor(GradientCheck.run(original, in, "S"), new long[] {2, 3, 5, 5});
      Tensor zeroSeed = new Tensor(new float[8], new long[] {2, 4});
      Map<String, Tensor> feeds = new HashMap<>(Map.of("R", r, "S", s, g.seedInput(), zeroSeed));
      float[] recomputed = GradientCheck.run(compiled, feeds, g.outputRecomputed());
      for (int i = 0; i < z.length; i++) {
        assertThat(recomputed[i]).isCloseTo(z[i], org.assertj.core.data.Offset.offset(1e-5f));
      }
      float[] seed = GradientCheck.gaussian(8, 1, 3);
      float[] grad = GradientCheck.compiledGradient(g, r, Map.of("S", s), seed, 2, 4);
      double[] fd = GradientCheck.centralDifferences(compiled, "R", r,
          Map.of("S", s, g.seedInput(), zeroSeed), g.outputRecomputed(), seed, 1e-2);
      Result res = GradientCheck.compare(grad, fd, 4);
      System.out.printf("FD internal target with skip max rel err %.2e%n", res.relativeError());
      assertThat(res.relativeError()).isLessThan(5e-3);
    }
  }

  @Test
  void opWithoutRuleOnThePathIsRefusedNamingOpAndNode() {
    // Det (a determinant per 2x2 matrix) has no rule
    ModelProto m = new OnnxGraphBuilder("det").opset(18).input("A", -1, 3, 2, 2)
        .node("Det").name("my_det").inputs("A").outputs("e").add()
        .node("Flatten").name("flatten").inputs("e").outputs("z").add()
        .output("z").build();
    assertThatThrownBy(() -> HeadGradient.compile(m, "A", "z"))
        .isInstanceOf(SscamException.class).hasMessageContaining("Det").hasMessageContaining("my_det")
        .hasMessageContaining("no gradient rule");
  }

  @Test
  void nonStandardDomainIsRefusedNamingOpAndNode() {
    ModelProto base = new OnnxGraphBuilder("custom").opset(13).input("A", -1, 3, 2, 2)
        .node("FusedConv").name("fused").inputs("A").outputs("e").add()
        .node("Flatten").name("flatten").inputs("e").outputs("z").add()
        .output("z").build();
    ModelProto m = base.toBuilder().setGraph(base.getGraph().toBuilder()
        .setNode(0, base.getGraph().getNode(0).toBuilder().setDomain("com.microsoft"))).build();
    assertThatThrownBy(() -> HeadGradient.compile(m, "A", "z"))
        .isInstanceOf(SscamException.class).hasMessageContaining("FusedConv").hasMessageContaining("fused")
        .hasMessageContaining("com.microsoft");
  }

  @Test
  void oldOpsetOpNotKnownToBeStableIsRefused() {
    ModelProto m = new OnnxGraphBuilder("upsample").opset(9).input("A", -1, 3, 2, 2)
        .initializer("scales", new float[] {1, 1, 2, 2}, 4)
        .node("Upsample").name("up").inputs("A", "scales").outputs("u").add()
        .node("Flatten").name("flatten").inputs("u").outputs("z").add()
        .output("z").build();
    assertThatThrownBy(() -> HeadGradient.compile(m, "A", "z"))
        .isInstanceOf(SscamException.class).hasMessageContaining("Upsample").hasMessageContaining("up");
  }

  /** An op without a rule whose output only feeds Shape carries no gradient: no error. */
  @Test
  void opWithoutRuleOffTheGradientPathIsFine() throws Exception {
    ModelProto m = new OnnxGraphBuilder("shape_only").opset(13).input("A", -1, 3, 2, 2)
        .initializer("G", gaussian(2 * 12, 1), 2, 12)
        .node("Erf").name("erf").inputs("A").outputs("e").add()
        .node("Shape").name("shape").inputs("e").outputs("s").add()
        .node("Gather").name("batch").inputs("s", "zero").outputs("n").attrInt("axis", 0).add()
        .initializer("zero", new long[] {0}, 1)
        .initializer("m1", new long[] {-1}, 1)
        .node("Concat").name("cat").inputs("n", "m1").outputs("shp").attrInt("axis", 0).add()
        .node("Reshape").name("flat").inputs("A", "shp").outputs("f").add()
        .node("Gemm").name("fc").inputs("f", "G").outputs("z").attrInt("transB", 1).add()
        .output("z").build();
    Tensor a = new Tensor(gaussian(24, 1), new long[] {2, 3, 2, 2});
    Result r = GradientCheck.check(m, "A", a, Map.of(), "z", 1e-2, 1);
    assertThat(r.relativeError()).isLessThan(5e-3);
  }

  /**
   * Issue 18's ConvNeXt failure: PyTorch's TorchScript exporter writes LayerNormalization at opset
   * 17, the compiled graph is opset 18, and the op (one version so far) must cross unchanged. Here
   * ConvNeXt's classifier: pool → channels-last → LayerNorm → back → Flatten → Gemm.
   */
  @Test
  void layerNormalizationAtOpset17CrossesIntoTheOpset18Graph() throws Exception {
    ModelProto m = new OnnxGraphBuilder("convnext_classifier").opset(17).input("A", -1, 4, 3, 3)
        .initializer("gamma", gaussian(4, 1), 4)
        .initializer("beta", gaussian(4, 1), 4)
        .initializer("G", gaussian(5 * 4, 0.5), 5, 4)
        .node("GlobalAveragePool").name("avgpool").inputs("A").outputs("p").add()
        .node("Transpose").name("to_nhwc").inputs("p").outputs("t").attrInts("perm", 0, 2, 3, 1).add()
        .node("LayerNormalization").name("/classifier/classifier.0/LayerNormalization").inputs("t", "gamma", "beta")
        .outputs("ln").attrFloat("epsilon", 1e-6f).add()
        .node("Transpose").name("to_nchw").inputs("ln").outputs("back").attrInts("perm", 0, 3, 1, 2).add()
        .node("Flatten").name("flatten").inputs("back").outputs("f").add()
        .node("Gemm").name("fc").inputs("f", "G").outputs("z").attrInt("transB", 1).add()
        .output("z").build();
    GradientGraph g = HeadGradient.compile(m, "A", "z");
    assertThat(g.model().getOpsetImport(0).getVersion()).isEqualTo(18);
    assertThat(g.model().getGraph().getNodeList()).extracting(NodeProto::getOpType).contains("LayerNormalization");
    Tensor a = new Tensor(gaussian(2 * 36, 1), new long[] {2, 4, 3, 3});
    Result r = GradientCheck.check(m, "A", a, Map.of(), "z", 1e-2, 6);
    System.out.printf("FD ConvNeXt classifier opset 17 max rel err %.2e%n", r.relativeError());
    assertThat(r.relativeError()).isLessThan(5e-3);
  }

  /** LayerNormalization's statistics outputs are not differentiated: a head reading them is refused. */
  @Test
  void layerNormalizationMeanOutputOnThePathIsRefused() {
    ModelProto m = new OnnxGraphBuilder("ln_mean").opset(17).input("A", -1, 3)
        .initializer("gamma", new float[] {1, 1, 1}, 3)
        .node("LayerNormalization").name("ln").inputs("A", "gamma").outputs("y", "mean").add()
        .node("Mul").name("mul").inputs("y", "mean").outputs("z").add()
        .output("z").build();
    assertThatThrownBy(() -> HeadGradient.compile(m, "A", "z"))
        .isInstanceOf(SscamException.class).hasMessageContaining("ln").hasMessageContaining("Mean");
  }

  /** A Dropout mask that the head reads would be random in training mode: refused, not guessed. */
  @Test
  void dropoutMaskReadByTheHeadIsRefused() {
    ModelProto m = new OnnxGraphBuilder("mask").opset(13).input("A", -1, 3)
        .node("Dropout").name("drop").inputs("A").outputs("d", "mask").add()
        .node("Cast").name("cast").inputs("mask").outputs("keep").attrInt("to", 1).add()
        .node("Mul").name("mul").inputs("d", "keep").outputs("z").add()
        .output("z").build();
    assertThatThrownBy(() -> HeadGradient.compile(m, "A", "z"))
        .isInstanceOf(SscamException.class).hasMessageContaining("drop").hasMessageContaining("mask");
  }

  @Test
  void missingTensorsAndUnrelatedOutputAreRefused() {
    ModelProto m = new OnnxGraphBuilder("two").opset(13).input("A", -1, 3).input("B", -1, 3)
        .node("Relu").name("r").inputs("A").outputs("ra").add()
        .node("Relu").name("s").inputs("B").outputs("z").add()
        .output("z").output("ra").build();
    assertThatThrownBy(() -> HeadGradient.compile(m, "A", "z"))
        .isInstanceOf(SscamException.class).hasMessageContaining("does not depend");
    assertThatThrownBy(() -> HeadGradient.compile(m, "nope", "z"))
        .isInstanceOf(SscamException.class).hasMessageContaining("nope");
    assertThatThrownBy(() -> HeadGradient.compile(m, "A", "nada"))
        .isInstanceOf(SscamException.class).hasMessageContaining("nada");
  }

  @Test
  void outputReachedOnlyThroughShapeHasNoGradient() {
    ModelProto m = new OnnxGraphBuilder("shape").opset(13).input("A", -1, 3)
        .node("Shape").name("shape").inputs("A").outputs("s").add()
        .node("Cast").name("cast").inputs("s").outputs("z").attrInt("to", 1).add()
        .output("z").build();
    assertThatThrownBy(() -> HeadGradient.compile(m, "A", "z"))
        .isInstanceOf(SscamException.class).hasMessageContaining("differentiable");
  }

  @Test
  void sizeDependentPaddingIsRefused() {
    ModelProto m = new OnnxGraphBuilder("same").opset(13).input("A", -1, 3, 4, 4)
        .node("AveragePool").name("same_pool").inputs("A").outputs("c").attrInts("kernel_shape", 3, 3)
        .attrString("auto_pad", "SAME_UPPER").add()
        .node("Flatten").name("flatten").inputs("c").outputs("z").add()
        .output("z").build();
    assertThatThrownBy(() -> HeadGradient.compile(m, "A", "z"))
        .isInstanceOf(SscamException.class).hasMessageContaining("same_pool").hasMessageContaining("SAME_UPPER");
  }

  @Test
  void compiledGraphUsesOpsetEighteenOrTheModelsNewerOne() {
    for (int opset : List.of(9, 13, 18, 21)) {
      ModelProto m = new OnnxGraphBuilder("o").opset(opset).input("A", -1, 3)
          .node("Relu").name("r").inputs("A").outputs("z").add().output("z").build();
      assertThat(HeadGradient.compile(m, "A", "z").model().getOpsetImport(0).getVersion())
          .isEqualTo(Math.max(opset, 18));
    }
  }
}
