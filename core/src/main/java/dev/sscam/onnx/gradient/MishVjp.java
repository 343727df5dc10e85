package dev.sscam.onnx.gradient;

/**
 * Mish (opset 18): {@code y = x · tanh(softplus(x))} with {@code softplus(x) = ln(1 + eˣ)}, whose
 * derivative is σ(x). So with {@code t = tanh(softplus(x))}:
 * {@code y' = t + x · (1 − t²) · σ(x)}, and {@code dx = dy · y'}.
 */
final class MishVjp implements VjpRule {
  @Override
  public void emit(VjpContext ctx) {
    if (!ctx.needsGradient(0)) {
      return;
    }
    GraphEmitter e = ctx.emit();
    String x = ctx.input(0);
    String t = e.op("Tanh", e.op("Softplus", x));
    String dt = e.op("Sub", e.floatScalar(1f), e.op("Mul", t, t));
    String slope = e.op("Add", t, e.op("Mul", x, e.op("Mul", dt, e.op("Sigmoid", x))));
    ctx.addGradient(0, e.op("Mul", ctx.outputGradient(0), slope));
  }
}
