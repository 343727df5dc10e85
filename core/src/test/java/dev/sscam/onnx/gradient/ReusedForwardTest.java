package dev.sscam.onnx.gradient;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnxruntime.OrtSession;
import dev.sscam.onnx.gradient.GradientCheck.Tensor;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A head compiled to reuse the forward run ({@link HeadGradient#compileReusingForward}) reads its
 * costly nodes' outputs instead of computing them, and its gradient is the gradient of the head
 * compiled as written (itself checked against central differences in {@link RegionPruningTest} and
 * the op tests): on the trained ViT, from the last block (the class-token head, pruned) and from
 * block 2 (three whole blocks), for one image and a batch.
 */
class ReusedForwardTest {
  static final String BLOCK_2 = "/encoder/layers/encoder_layer_2/ln_1/LayerNormalization_output_0";

  @ParameterizedTest(name = "batch {0}")
  @ValueSource(ints = {1, 2})
  void fromBlock2TheGradientIsTheWholeHeadsWithoutItsMatMuls(int n) throws Exception {
    ModelProto model = ModelProto.parseFrom(Files.readAllBytes(RegionPruningTest.VIT));
    String output = model.getGraph().getOutput(0).getName();
    GradientGraph written = HeadGradient.compile(model, BLOCK_2, output);
    GradientGraph reusing = HeadGradient.compileReusingForward(model, BLOCK_2, output);
    // Blocks 2-5: Q·Kᵀ and attention·V, the output projection (Gemm) and two MLP MatMuls each, the QKV
    // projection, and the classifier's Gemm (whose output is the logits, so computed).
    assertThat(reusing.forwardValues()).hasSize(4 * 6);
    assertThat(reusing.sideInputs()).isEqualTo(written.sideInputs());
    assertThat(count(reusing, "MatMul") + count(reusing, "Gemm"))
        .as("only the backward's products are left")
        .isLessThan(count(written, "MatMul") + count(written, "Gemm") - 20);

    Map<String, Tensor> feeds = run(model, reusing, n);
    float[] seed = GradientCheck.gaussian(n * 10, 1.0, 23);
    float[] expected = GradientCheck.compiledGradient(written, feeds.get(BLOCK_2), feeds, seed, n, 10);
    float[] actual = GradientCheck.compiledGradient(reusing, feeds.get(BLOCK_2), feeds, seed, n, 10);
    GradientCheck.assertSameGradient(actual, expected);
  }

  @Test
  void theClassTokenHeadPrunedReadsTheQkvProjectionOfEveryToken() throws Exception {
    ModelProto model = ModelProto.parseFrom(Files.readAllBytes(RegionPruningTest.VIT));
    String output = model.getGraph().getOutput(0).getName();
    String layer = RegionPruningTest.VIT_LAYER;
    GradientGraph written = HeadGradient.compile(model, layer, output);
    GradientGraph reusing = HeadGradient.compileReusingForward(model, layer, output);
    int n = 2;
    Map<String, Tensor> feeds = run(model, reusing, n);
    float[] seed = GradientCheck.gaussian(n * 10, 1.0, 29);
    float[] expected = GradientCheck.compiledGradient(written, feeds.get(layer), feeds, seed, n, 10);
    Map<String, Tensor> inputs = new java.util.LinkedHashMap<>(feeds);
    float[] actual;
    try (HeadGradientSession s = HeadGradientSession.pruning(GradientCheck.ENV, reusing,
        HeadForward.extract(model, layer, output), OrtSession.SessionOptions::new)) {
      actual = GradientCheck.gradient(s, inputs, seed, n, 10);
      assertThat(s.prunedShapes()).isEqualTo(1);
    }
    GradientCheck.assertSameGradient(actual, expected);
  }

  /**
   * {@code z = (A·W1)·W2 + b}: both products are costly, but once {@code A·W1·W2} is fed nothing reads
   * {@code A·W1} (the second product's VJP needs W2 only), so it is not asked of the forward run. The
   * gradient is {@code seed · W2ᵀ · W1ᵀ}, multiplied out here by hand.
   */
  @Test
  void aProductOnlyAFedProductReadIsNotAskedFor() throws Exception {
    float[] w1 = GradientCheck.gaussian(3 * 4, 1.0, 41);
    float[] w2 = GradientCheck.gaussian(4 * 5, 1.0, 43);
    ModelProto m = new dev.sscam.onnx.OnnxGraphBuilder("two_products").opset(17).input("A", 2, 3)
        .initializer("W1", w1, 3, 4).initializer("W2", w2, 4, 5)
        .initializer("b", GradientCheck.gaussian(5, 1.0, 47), 5)
        .addNode(node("MatMul", "A", "W1", "Y")).addNode(node("MatMul", "Y", "W2", "Z"))
        .addNode(node("Add", "Z", "b", "logits")).output("logits").build();
    GradientGraph g = HeadGradient.compileReusingForward(m, "A", "logits");
    assertThat(g.forwardValues()).containsExactly("Z");
    assertThat(g.model().getGraph().getInputList().stream().map(i -> i.getName()).toList())
        .doesNotContain("Y").contains("A", "Z");
    assertThat(count(g, "MatMul")).as("the two VJP products only").isEqualTo(2);

    float[] a = GradientCheck.gaussian(2 * 3, 1.0, 53);
    float[] z = new float[2 * 5];
    for (int r = 0; r < 2; r++) {
      for (int j = 0; j < 5; j++) {
        for (int k = 0; k < 4; k++) {
          for (int i = 0; i < 3; i++) {
            z[r * 5 + j] += a[r * 3 + i] * w1[i * 4 + k] * w2[k * 5 + j];
          }
        }
      }
    }
    float[] seed = GradientCheck.gaussian(2 * 5, 1.0, 59);
    float[] actual = GradientCheck.compiledGradient(g, new Tensor(a, new long[] {2, 3}),
        Map.of("Z", new Tensor(z, new long[] {2, 5})), seed, 2, 5);
    float[] expected = new float[2 * 3];
    for (int r = 0; r < 2; r++) {
      for (int i = 0; i < 3; i++) {
        double s = 0;
        for (int k = 0; k < 4; k++) {
          for (int j = 0; j < 5; j++) {
            s += seed[r * 5 + j] * w2[k * 5 + j] * w1[i * 4 + k];
          }
        }
        expected[r * 3 + i] = (float) s;
      }
    }
    GradientCheck.assertSameGradient(actual, expected);
  }

  private static NodeProto node(String op, String x, String y, String out) {
    return NodeProto.newBuilder().setOpType(op).addInput(x).addInput(y).addOutput(out).setName(out + "_node").build();
  }

  /** The forward run's A, side inputs and forward values for {@code n} seeded random images. */
  private static Map<String, Tensor> run(ModelProto model, GradientGraph g, int n) throws Exception {
    List<String> wanted = new ArrayList<>();
    wanted.add(g.activationInput());
    wanted.addAll(g.forwardFeeds());
    return RegionPruningTest.forward(model, wanted, n);
  }

  private static long count(GradientGraph g, String op) {
    return g.model().getGraph().getNodeList().stream().map(NodeProto::getOpType).filter(op::equals).count();
  }
}
