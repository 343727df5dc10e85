package dev.sscam.onnx.gradient;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.sscam.onnx.OnnxGraphBuilder;
import dev.sscam.onnx.gradient.GradientCheck.Result;
import dev.sscam.onnx.gradient.GradientCheck.Tensor;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * End to end: the head of a vision transformer from its token sequence to the logits, compiled and
 * compared with central differences of the model run forward in ONNX Runtime. Tokens [N, 1 + 4,
 * C = 8] (class token first) → LayerNorm → two-head self-attention (Q·Kᵀ/√d, Softmax, P·V, the
 * heads split and merged by Reshape with 0 and −1 and Transpose) → residual → LayerNorm → GELU MLP
 * → residual → Gather of the class token (axis 1, scalar index) → LayerNorm → Gemm.
 *
 * <p>Written in each exporter's form: opset 14 decomposes LayerNorm (ReduceMean, Sub, Pow, Sqrt,
 * Div) and GELU (Div, Erf, Add, Mul), as PyTorch's TorchScript exporter does; opset 17 has
 * LayerNormalization (compiled at 18, so it crosses the opset upgrade) and the Erf GELU; opset 20
 * has LayerNormalization and the Gelu op, as the dynamo exporter writes them.
 */
class TokenHeadGradientTest {
  static final int TOKENS = 5;
  static final int WIDTH = 8;
  static final int HEADS = 2;
  static final int HEAD_WIDTH = WIDTH / HEADS;
  static final int MLP = 16;
  static final int CLASSES = 5;

  /** The graph under construction with seeded random weights. */
  static final class Head {
    final OnnxGraphBuilder b;
    final int opset;
    final Random random = new Random(23);

    Head(int opset) {
      this.opset = opset;
      this.b = new OnnxGraphBuilder("token_head").opset(opset).input("tokens", -1, TOKENS, WIDTH);
    }

    String weight(float scale, long... dims) {
      int n = GradientCheck.count(dims);
      float[] v = new float[n];
      for (int i = 0; i < n; i++) {
        v[i] = (float) (random.nextGaussian() * scale);
      }
      String name = b.freshName("w");
      b.initializer(name, v, dims);
      return name;
    }

    String scalar(float value) {
      String name = b.freshName("c");
      b.initializer(OnnxGraphBuilder.floatTensor(name, new float[] {value}));
      return name;
    }

    String ints(long... values) {
      String name = b.freshName("i");
      b.initializer(name, values, values.length);
      return name;
    }

    String op(String type, String... inputs) {
      return b.apply(type, inputs);
    }

    /** x·W + bias over the last axis (PyTorch's Linear on a token sequence). */
    String linear(String x, int in, int out) {
      return op("Add", op("MatMul", x, weight((float) (1 / Math.sqrt(in)), in, out)), weight(0.1f, out));
    }

    /** LayerNorm over the last axis: the fused op from opset 17, PyTorch's decomposition before. */
    String layerNorm(String x, int width) {
      String gamma = weight(0.3f, width);
      String beta = weight(0.1f, width);
      if (opset >= 17) {
        String y = b.freshName("ln");
        b.node("LayerNormalization").inputs(x, op("Add", gamma, scalar(1f)), beta).outputs(y).add();
        return y;
      }
      String mean = b.freshName("mean");
      b.node("ReduceMean").inputs(x).outputs(mean).attrInts("axes", -1).add();
      String centred = op("Sub", x, mean);
      String variance = b.freshName("var");
      b.node("ReduceMean").inputs(op("Pow", centred, scalar(2f))).outputs(variance).attrInts("axes", -1).add();
      String normalised = op("Div", centred, op("Sqrt", op("Add", variance, scalar(1e-5f))));
      return op("Add", op("Mul", normalised, op("Add", gamma, scalar(1f))), beta);
    }

    /** Exact GELU: the Gelu op at opset 20, x/2·(1 + erf(x/√2)) as PyTorch exports it before. */
    String gelu(String x) {
      if (opset >= 20) {
        return op("Gelu", x);
      }
      String erf = op("Erf", op("Div", x, scalar((float) Math.sqrt(2))));
      return op("Mul", op("Mul", x, op("Add", erf, scalar(1f))), scalar(0.5f));
    }

    /** [N, T, C] → [N, heads, T, d], or [N, heads, d, T] for the keys (transposed once). */
    String splitHeads(String x, boolean keys) {
      String split = op("Reshape", x, ints(0, 0, HEADS, HEAD_WIDTH));
      String out = b.freshName(keys ? "k" : "qv");
      b.node("Transpose").inputs(split).outputs(out).attrInts("perm", keys ? new long[] {0, 2, 3, 1}
          : new long[] {0, 2, 1, 3}).add();
      return out;
    }

    String attention(String x) {
      String q = splitHeads(linear(x, WIDTH, WIDTH), false);
      String k = splitHeads(linear(x, WIDTH, WIDTH), true);
      String v = splitHeads(linear(x, WIDTH, WIDTH), false);
      String scores = op("Mul", op("MatMul", q, k), scalar((float) (1 / Math.sqrt(HEAD_WIDTH))));
      String p = b.freshName("p");
      b.node("Softmax").inputs(scores).outputs(p).attrInt("axis", -1).add();
      String merged = b.freshName("merged");
      b.node("Transpose").inputs(op("MatMul", p, v)).outputs(merged).attrInts("perm", 0, 2, 1, 3).add();
      return linear(op("Reshape", merged, ints(0, 0, -1)), WIDTH, WIDTH);
    }

    ModelProto build() {
      String r1 = op("Add", "tokens", attention(layerNorm("tokens", WIDTH)));
      String r2 = op("Add", r1, linear(gelu(linear(layerNorm(r1, WIDTH), WIDTH, MLP)), MLP, WIDTH));
      b.initializer(OnnxGraphBuilder.int64Tensor("class_index", new long[] {0}));
      b.node("Gather").inputs(r2, "class_index").outputs("class_token").attrInt("axis", 1).add();
      b.node("Gemm").inputs(layerNorm("class_token", WIDTH), weight(0.5f, CLASSES, WIDTH), weight(0.1f, CLASSES))
          .outputs("logits").attrInt("transB", 1).add();
      return b.output("logits").build();
    }
  }

  /**
   * Step 5e-3 on tokens of size ~1: the truncation error of central differences, h²/6·|L'''|, is
   * ~1e-5 for a head whose third derivatives are O(1), and float32 rounding of L (~1e-7·|L|)
   * divided by 2h adds ~1e-5; 2e-3 relative leaves a wide margin while any wrong rule (a missing
   * term, a transposed operand) is off by O(1).
   */
  @ParameterizedTest(name = "opset {0}")
  @ValueSource(ints = {14, 17, 20})
  void tokenHeadGradientMatchesCentralDifferences(int opset) throws Exception {
    ModelProto m = new Head(opset).build();
    long[] shape = {2, TOKENS, WIDTH};
    Tensor tokens = new Tensor(GradientCheck.gaussian(GradientCheck.count(shape), 1.0, 31), shape);
    Result r = GradientCheck.check(m, "tokens", tokens, Map.of(), "logits", 5e-3, 37);
    System.out.printf("FD token head opset %d: max|fd| %.3e  max rel err %.2e%n", opset, r.maxAbsFd(),
        r.relativeError());
    assertThat(r.maxAbsFd()).isGreaterThan(1e-2);
    assertThat(r.relativeError()).isLessThan(2e-3);
  }
}
