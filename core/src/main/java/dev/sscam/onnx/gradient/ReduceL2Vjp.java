package dev.sscam.onnx.gradient;

/**
 * ReduceL2 (axes as input, the compiled graph's opset form; F.normalize exports its norm as
 * ReduceL2): {@code y = √(Σ x²)} over the reduced axes, so {@code ∂y/∂x = x / y} and
 * {@code dx = dy · x / y}, with y and dy given back their reduced axes (Unsqueeze when keepdims=0)
 * and broadcast over x. Where y = 0 the norm has no derivative; the gradient is taken as 0 there,
 * as PyTorch's {@code norm_backward} does.
 */
final class ReduceL2Vjp implements VjpRule {
  @Override
  public void emit(VjpContext ctx) {
    ctx.requireNoGradient("axes", 1);
    if (!ctx.needsGradient(0)) {
      return;
    }
    GraphEmitter e = ctx.emit();
    String x = ctx.input(0);
    String y = ctx.withReducedAxes(ctx.output(0));
    String dy = ctx.withReducedAxes(ctx.outputGradient(0));
    // y = 0 only where every reduced x is 0: dividing by 1 there instead gives x · dy = 0, not NaN
    String safe = e.op("Where", e.op("Equal", y, e.floatScalar(0f)), e.floatScalar(1f), y);
    ctx.addGradient(0, e.op("Mul", x, e.op("Div", dy, safe)));
  }
}
