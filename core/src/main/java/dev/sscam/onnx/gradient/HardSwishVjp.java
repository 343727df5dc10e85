package dev.sscam.onnx.gradient;

/**
 * HardSwish (opset 14; MobileNetV3): {@code y = x · max(0, min(1, x/6 + 1/2))}, i.e. 0 below −3,
 * {@code x(x + 3)/6} on [−3, 3], x above 3. Its derivative is 0, {@code x/3 + 1/2}, 1 on those
 * pieces; {@code dx = dy · y'}. At the kinks it follows PyTorch's {@code hardswish_backward}
 * ({@code x < −3} → 0, {@code x ≤ 3} → the middle piece), so a gradient exactly at ±3 agrees with
 * autograd.
 */
final class HardSwishVjp implements VjpRule {
  @Override
  public void emit(VjpContext ctx) {
    if (!ctx.needsGradient(0)) {
      return;
    }
    GraphEmitter e = ctx.emit();
    String x = ctx.input(0);
    String middle = e.op("Add", e.op("Div", x, e.floatScalar(3f)), e.floatScalar(0.5f));
    String slope = e.op("Where", e.op("Less", x, e.floatScalar(-3f)), e.floatScalar(0f),
        e.op("Where", e.op("LessOrEqual", x, e.floatScalar(3f)), middle, e.floatScalar(1f)));
    ctx.addGradient(0, e.op("Mul", ctx.outputGradient(0), slope));
  }
}
