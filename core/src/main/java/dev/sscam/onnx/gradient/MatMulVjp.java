package dev.sscam.onnx.gradient;

/**
 * MatMul with numpy semantics: {@code Y = A·B} over the last two axes, batch axes broadcast.
 * VJPs: {@code dA = reduce_to_shape(dY·Bᵀ, A)} and {@code dB = reduce_to_shape(Aᵀ·dY, B)}, with
 * ᵀ swapping the last two axes. When B is 2-D (the linear-layer case, B's rank known) this is exact
 * for any rank of A, 1-D included: {@code dA = dY·Bᵀ}, {@code dB = A₂ᵀ·dY₂} with A and dY
 * flattened to 2-D. Otherwise both ranks must be known statically and at least 2 (1-D operands of
 * a batched product are refused rather than guessed).
 */
final class MatMulVjp implements VjpRule {
  @Override
  public void emit(VjpContext ctx) {
    GraphEmitter e = ctx.emit();
    String a = ctx.input(0);
    String b = ctx.input(1);
    String dy = ctx.outputGradient(0);
    int ra = ctx.rank(a);
    int rb = ctx.rank(b);
    if (rb == 2) {
      if (ctx.needsGradient(0)) {
        ctx.addGradient(0, e.op("MatMul", dy, e.node("Transpose").in(b).attr("perm", new long[] {1, 0}).out()));
      }
      if (ctx.needsGradient(1)) {
        String k = e.dims(b, 0, 1);
        String n = e.dims(b, 1, 2);
        String a2 = e.op("Reshape", a, e.node("Concat").in(e.int64s(-1), k).attr("axis", 0).out());
        String dy2 = e.op("Reshape", dy, e.node("Concat").in(e.int64s(-1), n).attr("axis", 0).out());
        String a2t = e.node("Transpose").in(a2).attr("perm", new long[] {1, 0}).out();
        ctx.addGradient(1, e.op("MatMul", a2t, dy2));
      }
      return;
    }
    if (ra < 2 || rb < 2) {
      throw ctx.unsupported("operand ranks must be known and at least 2 unless the right operand is "
          + "a 2-D matrix (known ranks: " + ra + ", " + rb + ")");
    }
    if (ctx.needsGradient(0)) {
      String full = e.op("MatMul", dy, swapLastTwo(e, b, rb));
      ctx.addGradient(0, e.reduceToShape(full, e.shapeOf(a)));
    }
    if (ctx.needsGradient(1)) {
      String full = e.op("MatMul", swapLastTwo(e, a, ra), dy);
      ctx.addGradient(1, e.reduceToShape(full, e.shapeOf(b)));
    }
  }

  private static String swapLastTwo(GraphEmitter e, String t, int rank) {
    long[] perm = new long[rank];
    for (int i = 0; i < rank; i++) {
      perm[i] = i;
    }
    perm[rank - 2] = rank - 1;
    perm[rank - 1] = rank - 2;
    return e.node("Transpose").in(t).attr("perm", perm).out();
  }
}
