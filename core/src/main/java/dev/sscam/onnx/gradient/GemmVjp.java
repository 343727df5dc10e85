package dev.sscam.onnx.gradient;

/**
 * Gemm: {@code Y = alpha·A'·B' + beta·C} with {@code A' = transA ? Aᵀ : A}, {@code B' = transB ?
 * Bᵀ : B}. VJPs: {@code dA' = alpha·dY·B'ᵀ}, so {@code dA = Gemm(dY, B, transB = !transB)} or, when
 * transA, {@code dA = alpha·B'·dYᵀ = Gemm(B, dY, transA = transB, transB = 1)};
 * {@code dB' = alpha·A'ᵀ·dY}, so {@code dB = Gemm(A, dY, transA = !transA)} or, when transB,
 * {@code Gemm(dY, A, transA = 1, transB = transA)}; {@code dC = beta·(dY summed over C's broadcast
 * axes)}.
 */
final class GemmVjp implements VjpRule {
  @Override
  public void emit(VjpContext ctx) {
    GraphEmitter e = ctx.emit();
    float alpha = ctx.attrFloat("alpha", 1f);
    float beta = ctx.attrFloat("beta", 1f);
    long transA = ctx.attrInt("transA", 0);
    long transB = ctx.attrInt("transB", 0);
    String a = ctx.input(0);
    String b = ctx.input(1);
    String dy = ctx.outputGradient(0);
    if (ctx.needsGradient(0)) {
      String da = transA == 0
          ? e.node("Gemm").in(dy, b).attr("alpha", alpha).attr("transB", 1 - transB).out()
          : e.node("Gemm").in(b, dy).attr("alpha", alpha).attr("transA", transB).attr("transB", 1).out();
      ctx.addGradient(0, da);
    }
    if (ctx.needsGradient(1)) {
      String db = transB == 0
          ? e.node("Gemm").in(a, dy).attr("alpha", alpha).attr("transA", 1 - transA).out()
          : e.node("Gemm").in(dy, a).attr("alpha", alpha).attr("transA", 1).attr("transB", transA).out();
      ctx.addGradient(1, db);
    }
    if (ctx.needsGradient(2)) {
      String dc = e.reduceToShape(dy, e.shapeOf(ctx.input(2)));
      ctx.addGradient(2, beta == 1f ? dc : e.op("Mul", dc, e.floatScalar(beta)));
    }
  }
}
