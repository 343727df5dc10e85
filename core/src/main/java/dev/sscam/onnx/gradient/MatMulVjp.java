package dev.sscam.onnx.gradient;

/**
 * MatMul with numpy semantics: {@code Y = A·B} over the last two axes, batch axes broadcast (the
 * attention products {@code Q·Kᵀ} and {@code P·V} of a transformer, rank 3 or 4). VJPs:
 * {@code dA = reduce_to_shape(dY·Bᵀ, A)} and {@code dB = reduce_to_shape(Aᵀ·dY, B)}, with ᵀ
 * swapping the last two axes.
 *
 * <p>When B is 2-D (the linear-layer case, B's rank known) this is exact for any rank of A, 1-D
 * included: {@code dA = dY·Bᵀ}, {@code dB = A₂ᵀ·dY₂} with A and dY flattened to 2-D. Otherwise both
 * ranks must be known statically. A 1-D operand is the one case numpy treats specially: A of shape
 * [k] is read as [1, k] and B of shape [k] as [k, 1], and the added axis is removed from Y. The
 * rule makes that explicit: it unsqueezes the 1-D operand and dY at the removed axis (−2 for A, −1
 * for B), applies the matrix formulas, and reshapes the operand's gradient back to its shape.
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
    if (ra < 1 || rb < 1) {
      throw ctx.unsupported("operand ranks must be known unless the right operand is a 2-D matrix "
          + "(known ranks: " + ra + ", " + rb + ")");
    }
    // numpy's 1-D promotion, made explicit: [k] as [1, k] on the left, as [k, 1] on the right
    String a2 = a;
    String b2 = b;
    if (rb == 1) {
      b2 = e.op("Unsqueeze", b, e.int64s(-1));
      dy = e.op("Unsqueeze", dy, e.int64s(-1));
    }
    if (ra == 1) {
      a2 = e.op("Unsqueeze", a, e.int64s(0));
      dy = e.op("Unsqueeze", dy, e.int64s(-2));
    }
    int ra2 = Math.max(ra, 2);
    int rb2 = Math.max(rb, 2);
    if (ctx.needsGradient(0)) {
      String full = e.op("MatMul", dy, swapLastTwo(e, b2, rb2));
      e.knowShape(full, product(e.knownShape(dy), e.knownShape(b2), true));
      String da = e.reduceToShape(full, e.shapeOf(a2));
      ctx.addGradient(0, ra == 1 ? e.op("Reshape", da, e.shapeOf(a)) : da);
    }
    if (ctx.needsGradient(1)) {
      String full = e.op("MatMul", swapLastTwo(e, a2, ra2), dy);
      e.knowShape(full, product(e.knownShape(a2), e.knownShape(dy), false));
      String db = e.reduceToShape(full, e.shapeOf(b2));
      ctx.addGradient(1, rb == 1 ? e.op("Reshape", db, e.shapeOf(b)) : db);
    }
  }

  /**
   * The shape of {@code dy · swap(b)} ({@code leftIsDy}) or {@code swap(a) · dy}, from known shapes
   * of rank 2 or more (batch axes broadcast), or null.
   */
  static long[] product(long[] x, long[] y, boolean leftIsDy) {
    if (x == null || y == null || x.length < 2 || y.length < 2) {
      return null;
    }
    int rank = Math.max(x.length, y.length);
    long[] out = new long[rank];
    for (int i = 0; i < rank - 2; i++) {
      int ix = i - (rank - x.length);
      int iy = i - (rank - y.length);
      long dx = ix >= 0 ? x[ix] : 1;
      long dyd = iy >= 0 ? y[iy] : 1;
      out[i] = dx == 1 ? dyd : dx;
    }
    // dy·swap(b): rows of dy, rows of b; swap(a)·dy: columns of a, columns of dy
    out[rank - 2] = leftIsDy ? x[x.length - 2] : x[x.length - 1];
    out[rank - 1] = leftIsDy ? y[y.length - 2] : y[y.length - 1];
    return out;
  }

  private static String swapLastTwo(GraphEmitter e, String t, int rank) {
    long[] perm = new long[rank];
    for (int i = 0; i < rank; i++) {
      perm[i] = i;
    }
    perm[rank - 2] = rank - 1;
    perm[rank - 1] = rank - 2;
    String swapped = e.node("Transpose").in(t).attr("perm", perm).out();
    long[] shape = e.knownShape(t);
    if (shape != null && shape.length == rank) {
      // recorded for the rewrites after compilation (LowRankProducts reads the factors' shapes)
      long[] s = shape.clone();
      s[rank - 2] = shape[rank - 1];
      s[rank - 1] = shape[rank - 2];
      e.knowShape(swapped, s);
    }
    return swapped;
  }
}
