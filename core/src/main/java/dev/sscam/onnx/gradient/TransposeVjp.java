package dev.sscam.onnx.gradient;

/**
 * Transpose with permutation p: {@code y = x.permute(p)}, so {@code dx = dy.permute(p⁻¹)} with
 * {@code p⁻¹[p[i]] = i}. Without perm the axes are reversed, which is its own inverse.
 */
final class TransposeVjp implements VjpRule {
  @Override
  public void emit(VjpContext ctx) {
    if (!ctx.needsGradient(0)) {
      return;
    }
    GraphEmitter e = ctx.emit();
    long[] perm = ctx.attrInts("perm");
    if (perm == null) {
      ctx.addGradient(0, e.op("Transpose", ctx.outputGradient(0)));
      return;
    }
    long[] inverse = new long[perm.length];
    for (int i = 0; i < perm.length; i++) {
      inverse[(int) perm[i]] = i;
    }
    ctx.addGradient(0, e.node("Transpose").in(ctx.outputGradient(0)).attr("perm", inverse).out());
  }
}
