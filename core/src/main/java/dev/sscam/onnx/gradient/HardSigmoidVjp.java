package dev.sscam.onnx.gradient;

/**
 * HardSigmoid: {@code y = max(0, min(1, α·x + β))} (ONNX defaults α = 0.2, β = 0.5; PyTorch's
 * {@code hardsigmoid} exports α = 1/6). Piecewise linear, so {@code dx = dy · α} where the ramp
 * is strictly inside {@code (0, 1)} and 0 on the flat parts; at the two kinks the derivative is
 * taken as 0, as PyTorch's {@code hardsigmoid_backward} does.
 */
final class HardSigmoidVjp implements VjpRule {
  @Override
  public void emit(VjpContext ctx) {
    if (!ctx.needsGradient(0)) {
      return;
    }
    GraphEmitter e = ctx.emit();
    float alpha = ctx.attrFloat("alpha", 0.2f);
    float beta = ctx.attrFloat("beta", 0.5f);
    String ramp = e.op("Add", e.op("Mul", ctx.input(0), e.floatScalar(alpha)), e.floatScalar(beta));
    String inside = e.op("And", e.op("Greater", ramp, e.floatScalar(0f)), e.op("Less", ramp, e.floatScalar(1f)));
    String dy = ctx.outputGradient(0);
    ctx.addGradient(0, e.op("Where", inside, e.op("Mul", dy, e.floatScalar(alpha)), e.floatScalar(0f)));
  }
}
