package dev.sscam.onnx.gradient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnxruntime.OrtSession;
import dev.sscam.onnx.OnnxGraphBuilder;
import dev.sscam.onnx.gradient.GradientCheck.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link LowRankProducts}: {@code Reshape(Transpose(U·V))·W}, per-head products merged into the last
 * axis and projected (the attention backward's dK and dV times the QKV weight's rows), rewritten as
 * {@code Σ_h G_h (F_h W_h)}. Checked against the product written out index by index from the
 * definition, for both transposes, one and two images, rank one and two.
 */
class LowRankProductsTest {

  /**
   * @param dIsLast {@code perm = [1, 0, 2]} (U: [B, t, r], V: [B, r, d]); otherwise {@code [2, 0, 1]}
   *     (U: [B, d, r], V: [B, r, t])
   */
  private static ModelProto graph(boolean dIsLast, long n, long h, long t, long d, long r, long c, boolean extraReader) {
    long b = n * h;
    OnnxGraphBuilder g = new OnnxGraphBuilder("low_rank").opset(18);
    g.input("u", b, dIsLast ? t : d, r).input("v", b, r, dIsLast ? d : t);
    g.initializer("w", GradientCheck.gaussian((int) (h * d * c), 1.0, 7), h * d, c);
    g.initializer("shape", new long[] {t, n, h * d}, 3);
    g.node("MatMul").inputs("u", "v").outputs("o").add();
    g.node("Transpose").inputs("o").outputs("ot").attrInts("perm", dIsLast ? new long[] {1, 0, 2} : new long[] {2, 0, 1}).add();
    g.node("Reshape").inputs("ot", "shape").outputs("x").add();
    g.node("MatMul").inputs("x", "w").outputs("y").add();
    g.output("y");
    if (extraReader) {
      g.node("Identity").inputs("o").outputs("o_too").add();
      g.output("o_too");
    }
    return g.build();
  }

  private static Map<String, long[]> shapes(boolean dIsLast, long n, long h, long t, long d, long r) {
    long b = n * h;
    return Map.of("u", new long[] {b, dIsLast ? t : d, r}, "v", new long[] {b, r, dIsLast ? d : t});
  }

  @ParameterizedTest(name = "d last {0}, N={1}, H={2}, t={3}, d={4}, r={5}, C={6}")
  @CsvSource({"true, 1, 3, 7, 4, 1, 6", "true, 2, 3, 7, 4, 1, 6", "false, 1, 2, 9, 5, 1, 4", "false, 2, 3, 7, 8, 2, 6"})
  void theProjectionOfPerHeadProductsIsTheirReassociatedSum(boolean dIsLast, long n, long h, long t, long d, long r,
      long c) throws Exception {
    ModelProto original = graph(dIsLast, n, h, t, d, r, c, false);
    ModelProto rewritten = LowRankProducts.rewrite(original, shapes(dIsLast, n, h, t, d, r)::get);
    assertThat(rewritten).isNotSameAs(original);
    // the [t, N, H·d] tensor is gone: no Reshape reads the product of U and V
    assertThat(rewritten.getGraph().getNodeList().stream().map(NodeProto::getOutputList)).noneMatch(o -> o.contains("x"));

    long b = n * h;
    long[] uShape = {b, dIsLast ? t : d, r};
    long[] vShape = {b, r, dIsLast ? d : t};
    float[] u = GradientCheck.gaussian((int) (b * uShape[1] * r), 1.0, 1);
    float[] v = GradientCheck.gaussian((int) (b * r * vShape[2]), 1.0, 2);
    float[] w = GradientCheck.gaussian((int) (h * d * c), 1.0, 7);
    Map<String, Tensor> inputs = Map.of("u", new Tensor(u, uShape), "v", new Tensor(v, vShape));
    float[] actual;
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        OrtSession s = GradientCheck.ENV.createSession(rewritten.toByteArray(), opts)) {
      actual = GradientCheck.run(s, inputs, "y");
    }
    // y[ti][ni][ci] = Σ_{k < H·d} x[ti][ni][k] w[k][ci], x[ti][ni][hi·d + δ] = O[ni·H + hi] at (ti, δ)
    assertThat(actual).hasSize((int) (t * n * c));
    for (int ti = 0; ti < t; ti++) {
      for (int ni = 0; ni < n; ni++) {
        for (int ci = 0; ci < c; ci++) {
          double expected = 0;
          for (int hi = 0; hi < h; hi++) {
            int bi = (int) (ni * h + hi);
            for (int delta = 0; delta < d; delta++) {
              double o = 0;
              for (int rho = 0; rho < r; rho++) {
                o += dIsLast
                    ? u[(int) ((bi * t + ti) * r + rho)] * v[(int) ((bi * r + rho) * d + delta)]
                    : u[(int) ((bi * d + delta) * r + rho)] * v[(int) ((bi * r + rho) * t + ti)];
              }
              expected += o * w[(int) ((hi * d + delta) * c + ci)];
            }
          }
          assertThat((double) actual[(int) ((ti * n + ni) * c + ci)]).as("y[%d][%d][%d]", ti, ni, ci)
              .isCloseTo(expected, within(1e-4));
        }
      }
    }
  }

  @Test
  void leavesTheProductAloneWhenReassociatingDoesNotPay() {
    // r = 8 > d = 4: U·V is no longer a cheap factor pair, the new order costs more
    ModelProto m = graph(true, 1, 3, 7, 4, 8, 6, false);
    assertThat(LowRankProducts.rewrite(m, shapes(true, 1, 3, 7, 4, 8)::get)).isSameAs(m);
  }

  @Test
  void leavesTheProductAloneWhenItIsReadElsewhereOrItsShapesAreUnknown() {
    ModelProto shared = graph(true, 1, 3, 7, 4, 1, 6, true);
    assertThat(LowRankProducts.rewrite(shared, shapes(true, 1, 3, 7, 4, 1)::get)).isSameAs(shared);
    ModelProto m = graph(true, 1, 3, 7, 4, 1, 6, false);
    assertThat(LowRankProducts.rewrite(m, name -> null)).isSameAs(m);
  }
}
