package dev.sscam.onnx.gradient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnxruntime.OrtSession;
import dev.sscam.onnx.OnnxGraphBuilder;
import dev.sscam.onnx.gradient.GradientCheck.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link PaddedSumProducts}: the product of a sum of zero-padded pieces with a constant matrix, as a
 * fused QKV projection's backward makes it ({@code d(qkv) = Pad(dq) + Pad(dk) + Pad(dv)}, dq on one
 * token), rewritten as products of the pieces with row blocks of the matrix. Checked against the
 * product written out by hand from the definition.
 */
class PaddedSumProductsTest {
  // dq: token 0 only, channels 0..3 of 9; dk: every token, channels 3..6; dv: every token, channels 6..9
  private static final long T = 5;
  private static final long C = 3;
  private static final long N = 4;

  private static ModelProto qkvBackward() {
    OnnxGraphBuilder b = new OnnxGraphBuilder("qkv_backward").opset(18);
    b.input("dq", 1, 1, C).input("dk", T, 1, C).input("dv", T, 1, C);
    b.initializer("w", GradientCheck.gaussian((int) (N * 3 * C), 1.0, 7), N, 3 * C);
    b.initializer("pad_q", new long[] {0, 0, 0, T - 1, 0, 2 * C}, 6);
    b.initializer("pad_k", new long[] {0, 0, C, 0, 0, C}, 6);
    b.initializer("pad_v", new long[] {0, 0, 2 * C, 0, 0, 0}, 6);
    b.node("Pad").inputs("dq", "pad_q").outputs("pq").add();
    b.node("Pad").inputs("dk", "pad_k").outputs("pk").add();
    b.node("Pad").inputs("dv", "pad_v").outputs("pv").add();
    b.node("Sum").inputs("pq", "pk", "pv").outputs("d_qkv").add();
    b.node("Transpose").inputs("w").outputs("wt").attrInts("perm", 1, 0).add();
    b.node("MatMul").inputs("d_qkv", "wt").outputs("dx").add();
    b.output("dx");
    return b.build();
  }

  @Test
  void theProductOfPaddedPiecesIsTheSumOfTheirProductsWithRowBlocks() throws Exception {
    ModelProto original = qkvBackward();
    ModelProto rewritten = PaddedSumProducts.rewrite(original);

    List<String> ops = rewritten.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
    // one Pad is left, on dq's product (T × N instead of T × 3C), and no Sum of padded pieces
    assertThat(ops.stream().filter("Pad"::equals).count()).isEqualTo(1);
    assertThat(ops.stream().filter("MatMul"::equals).count()).isEqualTo(3);
    assertThat(ops).contains("Sum");

    float[] dq = GradientCheck.gaussian((int) C, 1.0, 1);
    float[] dk = GradientCheck.gaussian((int) (T * C), 1.0, 2);
    float[] dv = GradientCheck.gaussian((int) (T * C), 1.0, 3);
    float[] w = GradientCheck.gaussian((int) (N * 3 * C), 1.0, 7);
    Map<String, Tensor> inputs = Map.of("dq", new Tensor(dq, new long[] {1, 1, C}),
        "dk", new Tensor(dk, new long[] {T, 1, C}), "dv", new Tensor(dv, new long[] {T, 1, C}));
    float[] actual;
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        OrtSession s = GradientCheck.ENV.createSession(rewritten.toByteArray(), opts)) {
      actual = GradientCheck.run(s, inputs, "dx");
    }
    // dx[t][n] = Σ_c d_qkv[t][c] w[n][c], d_qkv written out from the paddings
    assertThat(actual).hasSize((int) (T * N));
    for (int t = 0; t < T; t++) {
      for (int n = 0; n < N; n++) {
        double expected = 0;
        for (int c = 0; c < 3 * C; c++) {
          int piece = (int) (c / C);
          int j = (int) (c % C);
          double d = switch (piece) {
            case 0 -> t == 0 ? dq[j] : 0;
            case 1 -> dk[(int) (t * C) + j];
            default -> dv[(int) (t * C) + j];
          };
          expected += d * w[(int) (n * 3 * C) + c];
        }
        assertThat((double) actual[(int) (t * N + n)]).as("dx[%d][%d]", t, n).isCloseTo(expected, within(1e-5));
      }
    }
  }

  @Test
  void leavesAProductAloneWhenAPieceIsNotZeroPadded() {
    OnnxGraphBuilder b = new OnnxGraphBuilder("edge_padded").opset(18);
    b.input("a", 2, 3).input("c", 2, 6);
    b.initializer("w", GradientCheck.gaussian(6 * 4, 1.0, 7), 6, 4);
    b.initializer("pads", new long[] {0, 0, 0, 3}, 4);
    b.node("Pad").inputs("a", "pads").outputs("pa").attrString("mode", "edge").add();
    b.node("Sum").inputs("pa", "c").outputs("s").add();
    b.node("MatMul").inputs("s", "w").outputs("y").add();
    b.output("y");
    ModelProto m = b.build();
    assertThat(PaddedSumProducts.rewrite(m)).isSameAs(m);
  }
}
