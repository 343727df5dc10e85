package dev.sscam.onnx.gradient;

/**
 * Pow with numpy broadcasting, {@code y = aᵇ} (PyTorch's decomposed LayerNorm squares with a
 * constant b = 2; the tanh GELU cubes). Partial derivatives, then undone broadcasting
 * ({@link GraphEmitter#reduceToShape}):
 *
 * <ul>
 *   <li>{@code ∂y/∂a = b · a^(b−1)}, taken as 0 where b = 0 (y = 1 is constant, even at a = 0
 *       where {@code a^(−1)} is infinite);
 *   <li>{@code ∂y/∂b = y · ln a}, taken as 0 where a = 0 and b ≥ 0 (the limit; ln 0 would give
 *       NaN or −∞). For a &lt; 0 it is NaN, as aᵇ itself is for non-integer b.
 * </ul>
 *
 * Both conventions are PyTorch's ({@code pow_backward_self}, {@code pow_backward_exponent}). The
 * exponent may be an integer tensor: it is cast to float for the arithmetic.
 */
final class PowVjp implements VjpRule {
  @Override
  public void emit(VjpContext ctx) {
    GraphEmitter e = ctx.emit();
    String a = ctx.input(0);
    String dy = ctx.outputGradient(0);
    String zero = e.floatScalar(0f);
    // Pow's exponent may be int32/int64; the float arithmetic below needs it as float
    String b = e.node("Cast").in(ctx.input(1)).attr("to", 1).out();
    if (ctx.needsGradient(0)) {
      String slope = e.op("Mul", b, e.op("Pow", a, e.op("Sub", b, e.floatScalar(1f))));
      String masked = e.op("Where", e.op("Equal", b, zero), zero, slope);
      ctx.addGradient(0, e.reduceToShape(e.op("Mul", dy, masked), e.shapeOf(a)));
    }
    if (ctx.needsGradient(1)) {
      String slope = e.op("Mul", ctx.output(0), e.op("Log", a));
      String limit = e.op("And", e.op("Equal", a, zero), e.op("GreaterOrEqual", b, zero));
      String masked = e.op("Where", limit, zero, slope);
      String db = e.reduceToShape(e.op("Mul", dy, masked), e.shapeOf(ctx.input(1)));
      ctx.addGradient(1, db);
    }
  }
}
