package dev.sscam.onnx.gradient;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.sscam.onnx.OnnxGraphBuilder;
import dev.sscam.onnx.gradient.GradientCheck.PrunedResult;
import dev.sscam.onnx.gradient.GradientCheck.Tensor;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A head pruned to what its output reads ({@link RegionPruning}) has the gradient of the whole head:
 * checked against central differences of the unpruned model (the token head of {@link
 * TokenHeadGradientTest} in each exporter's form, a region no rule can map), against the whole
 * head's compiled gradient on the trained ViT, and by the shapes the pruned graph computes.
 */
class RegionPruningTest {
  static final Path VIT = Path.of("../models/vit_t16s.onnx");
  static final String VIT_LAYER = "/encoder/layers/encoder_layer_5/ln_1/LayerNormalization_output_0";
  static final String VIT_MLP = "/encoder/layers/encoder_layer_5/mlp/mlp.0/MatMul_output_0";

  @ParameterizedTest(name = "opset {0}")
  @ValueSource(ints = {14, 17, 20})
  void aClassTokenHeadPrunedToItsTokenMatchesCentralDifferences(int opset) throws Exception {
    ModelProto m = new TokenHeadGradientTest.Head(opset).build();
    long[] shape = {2, TokenHeadGradientTest.TOKENS, TokenHeadGradientTest.WIDTH};
    Tensor tokens = new Tensor(GradientCheck.gaussian(GradientCheck.count(shape), 1.0, 31), shape);
    PrunedResult r = GradientCheck.checkPruned(m, "tokens", tokens, Map.of(), "logits", 5e-3, 37);
    assertThat(r.prunedShapes()).as("a pruned graph was compiled and run").isEqualTo(1);
    assertThat(r.result().maxAbsFd()).isGreaterThan(1e-2);
    assertThat(r.result().relativeError()).isLessThan(2e-3);
  }

  @Test
  void theMlpOfAClassTokenHeadRunsOnOneTokenAndTheKeysOnAll() throws Exception {
    ModelProto m = new TokenHeadGradientTest.Head(17).build();
    int tokens = TokenHeadGradientTest.TOKENS;
    long[] shape = {2, tokens, TokenHeadGradientTest.WIDTH};
    RegionPruning.Pruned p = pruned(m, "tokens", "logits",
        Map.of("tokens", new Tensor(GradientCheck.gaussian(GradientCheck.count(shape), 1.0, 5), shape)))
        .orElseThrow();
    List<String> shapes = p.shapes().values().stream().map(Arrays::toString).toList();
    int mlp = TokenHeadGradientTest.MLP;
    assertThat(shapes).contains(Arrays.toString(new long[] {2, 1, mlp}))
        .doesNotContain(Arrays.toString(new long[] {2, tokens, mlp}));
    // the attention scores of the class token's query against every key: [N, heads, 1, T]
    assertThat(shapes).contains(Arrays.toString(new long[] {2, TokenHeadGradientTest.HEADS, 1, tokens}));
  }

  @Test
  void aPooledCnnHeadIsLeftWhole() throws Exception {
    OnnxGraphBuilder b = new OnnxGraphBuilder("pooled").opset(17).input("features", -1, 4, 3, 3);
    b.initializer("w", GradientCheck.gaussian(12, 0.5, 3), 3, 4);
    b.initializer("bias", new float[] {0.1f, -0.2f, 0.3f}, 3);
    String pooled = b.apply("Flatten", b.apply("GlobalAveragePool", "features"));
    b.node("Gemm").inputs(pooled, "w", "bias").outputs("logits").attrInt("transB", 1).add();
    ModelProto m = b.output("logits").build();
    long[] shape = {2, 4, 3, 3};
    Tensor a = new Tensor(GradientCheck.gaussian(GradientCheck.count(shape), 1.0, 9), shape);
    assertThat(pruned(m, "features", "logits", Map.of("features", a))).isEmpty();
    PrunedResult r = GradientCheck.checkPruned(m, "features", a, Map.of(), "logits", 1e-2, 4);
    assertThat(r.prunedShapes()).isZero();
    assertThat(r.result().relativeError()).isLessThan(1e-3);
  }

  /** Each batch size gets its own pruned graph, up to a bound; beyond it the general graph runs, giving the same gradient. */
  @Test
  void prunedGraphsAreKeptForAFewBatchSizesAndTheOthersRunTheGeneralGraph() throws Exception {
    ModelProto m = new TokenHeadGradientTest.Head(17).build();
    GradientGraph whole = HeadGradient.compile(m, "tokens", "logits");
    HeadForward head = HeadForward.extract(m, "tokens", "logits");
    int sizes = HeadGradientSession.MAX_PRUNED_SHAPES + 2;
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        HeadGradientSession general = new HeadGradientSession(GradientCheck.ENV, whole, o);
        HeadGradientSession pruning = HeadGradientSession.pruning(GradientCheck.ENV, whole, head,
            OrtSession.SessionOptions::new)) {
      for (int n = 1; n <= sizes; n++) {
        long[] shape = {n, TokenHeadGradientTest.TOKENS, TokenHeadGradientTest.WIDTH};
        Tensor tokens = new Tensor(GradientCheck.gaussian(GradientCheck.count(shape), 1.0, n), shape);
        float[] seed = GradientCheck.gaussian(n * TokenHeadGradientTest.CLASSES, 1.0, 100 + n);
        try (OnnxTensor t = tokens.create()) {
          float[] expected = general.gradient(Map.of("tokens", t), seed, n, TokenHeadGradientTest.CLASSES);
          float[] actual = pruning.gradient(Map.of("tokens", t), seed, n, TokenHeadGradientTest.CLASSES);
          double scale = 0;
          for (float v : expected) {
            scale = Math.max(scale, Math.abs(v));
          }
          for (int i = 0; i < expected.length; i++) {
            assertThat((double) Math.abs(actual[i] - expected[i])).as("batch %d, element %d", n, i)
                .isLessThanOrEqualTo(1e-5 * scale);
          }
        }
      }
      assertThat(pruning.prunedShapes()).isEqualTo(HeadGradientSession.MAX_PRUNED_SHAPES);
    }
  }

  /**
   * A Reshape whose read region is not whole rows of any input axis ([N, 6] → [N, 2, 3], column 1 of
   * the last axis) is computed whole; the element-wise op after it is still cut, and the gradient
   * is unchanged.
   */
  @Test
  void aRegionNoRuleCanMapIsComputedWhole() throws Exception {
    OnnxGraphBuilder b = new OnnxGraphBuilder("columns").opset(17).input("x", -1, 6);
    b.initializer("shape", new long[] {0, 2, 3}, 3);
    b.initializer(OnnxGraphBuilder.int64Tensor("index", new long[] {1}));
    b.initializer("w", GradientCheck.gaussian(6, 0.7, 8), 3, 2);
    String t = b.apply("Tanh", b.apply("Reshape", "x", "shape"));
    b.node("Gather").inputs(t, "index").outputs("column").attrInt("axis", 2).add();
    b.node("Gemm").inputs("column", "w").outputs("logits").attrInt("transB", 1).add();
    ModelProto m = b.output("logits").build();
    long[] shape = {3, 6};
    Tensor x = new Tensor(GradientCheck.gaussian(18, 1.0, 2), shape);
    RegionPruning.Pruned p = pruned(m, "x", "logits", Map.of("x", x)).orElseThrow();
    assertThat(p.shapes().get(t)).containsExactly(3, 2, 1);
    PrunedResult r = GradientCheck.checkPruned(m, "x", x, Map.of(), "logits", 1e-2, 6);
    assertThat(r.prunedShapes()).isEqualTo(1);
    assertThat(r.result().maxAbsFd()).isGreaterThan(1e-2);
    assertThat(r.result().relativeError()).isLessThan(1e-3);
  }

  /**
   * The trained ViT as PyTorch's TorchScript exporter wrote it (nn.MultiheadAttention: [T, N, C]
   * layout, shapes computed by Shape → Gather → Concat): the pruned head's gradient equals the whole
   * head's for one image and for a batch, and its MLP runs on the class token only.
   */
  @ParameterizedTest(name = "batch {0}")
  @ValueSource(ints = {1, 3})
  void theTrainedVitsPrunedGradientEqualsTheWholeHeads(int n) throws Exception {
    ModelProto model = ModelProto.parseFrom(Files.readAllBytes(VIT));
    String output = model.getGraph().getOutput(0).getName();
    HeadForward head = HeadForward.extract(model, VIT_LAYER, output);
    Map<String, Tensor> feeds = forward(model, head, n);
    RegionPruning.Pruned p = pruned(head.model(), VIT_LAYER, output, feeds).orElseThrow();
    assertThat(p.shapes().get(VIT_MLP)).containsExactly(n, 1, 384);

    GradientGraph whole = HeadGradient.compile(model, VIT_LAYER, output);
    float[] seed = GradientCheck.gaussian(n * 10, 1.0, 17);
    float[] expected = GradientCheck.compiledGradient(whole, feeds.get(VIT_LAYER), feeds, seed, n, 10);
    float[] actual;
    try (HeadGradientSession s = HeadGradientSession.pruning(GradientCheck.ENV, whole, head,
        OrtSession.SessionOptions::new)) {
      actual = GradientCheck.gradient(s, feeds, seed, n, 10);
      assertThat(s.prunedShapes()).isEqualTo(1);
      // dK·W_k and dV·W_v, outer products over the tokens on a one-query head, are reassociated
      // (LowRankProducts): the equality above covers the rewritten graph
      Map<String, OnnxTensor> live = new HashMap<>();
      try {
        for (var e : feeds.entrySet()) {
          live.put(e.getKey(), e.getValue().create());
        }
        assertThat(s.graphFor(live).model().getGraph().getNodeList().stream()
            .filter(node -> node.getName().endsWith("_lowrank_y"))).hasSize(2);
      } finally {
        for (OnnxTensor t : live.values()) {
          t.close();
        }
      }
    }
    GradientCheck.assertSameGradient(actual, expected);
  }

  /** One run of the whole ViT on random images: the head's inputs. */
  private static Map<String, Tensor> forward(ModelProto model, HeadForward head, int n) throws Exception {
    List<String> wanted = new ArrayList<>();
    wanted.add(head.activationInput());
    wanted.addAll(head.sideInputs());
    return forward(model, wanted, n);
  }

  /** One run of the whole ViT on {@code n} random images (seeded): the {@code wanted} tensors. */
  static Map<String, Tensor> forward(ModelProto model, List<String> wanted, int n) throws Exception {
    GraphProto.Builder g = model.getGraph().toBuilder();
    for (String w : wanted) {
      g.addOutput(ValueInfoProto.newBuilder().setName(w));
    }
    long[] shape = {n, 3, 224, 224};
    float[] x = GradientCheck.gaussian(GradientCheck.count(shape), 1.0, 11);
    Map<String, Tensor> out = new HashMap<>();
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        OrtSession s = GradientCheck.ENV.createSession(model.toBuilder().setGraph(g).build().toByteArray(), o);
        OnnxTensor t = OnnxTensor.createTensor(GradientCheck.ENV, FloatBuffer.wrap(x), shape);
        OrtSession.Result r = s.run(Map.of(model.getGraph().getInput(0).getName(), t), new HashSet<>(wanted))) {
      for (String w : wanted) {
        OnnxTensor v = (OnnxTensor) r.get(w).orElseThrow();
        FloatBuffer b = v.getFloatBuffer();
        float[] data = new float[b.remaining()];
        b.get(data);
        out.put(w, new Tensor(data, v.getInfo().getShape()));
      }
    }
    return out;
  }

  /** Probes {@code model} (a head whose graph inputs are fed) on {@code feeds} and prunes it. */
  private static Optional<RegionPruning.Pruned> pruned(ModelProto model, String target, String output,
      Map<String, Tensor> feeds) throws Exception {
    HeadForward head = HeadForward.extract(model, target, output);
    Map<String, OnnxTensor> tensors = new HashMap<>();
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      for (var e : feeds.entrySet()) {
        tensors.put(e.getKey(), e.getValue().create());
      }
      return RegionPruning.prune(head.model(), HeadShapes.probe(GradientCheck.ENV, head.model(), tensors, o));
    } finally {
      for (OnnxTensor t : tensors.values()) {
        t.close();
      }
    }
  }
}
