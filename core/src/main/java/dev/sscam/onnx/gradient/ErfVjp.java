package dev.sscam.onnx.gradient;

/**
 * Erf, the error function {@code erf(x) = 2/√π ∫₀ˣ exp(−t²) dt} (the exact GELU of PyTorch's
 * TorchScript exporter is {@code x · 0.5 · (1 + erf(x/√2))}, built from Erf): its derivative is
 * {@code erf'(x) = 2/√π · exp(−x²)}, so {@code dx = dy · 2/√π · exp(−x²)}.
 */
final class ErfVjp implements VjpRule {
  /** 2/√π, the derivative of erf at 0. */
  static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

  @Override
  public void emit(VjpContext ctx) {
    if (!ctx.needsGradient(0)) {
      return;
    }
    GraphEmitter e = ctx.emit();
    String x = ctx.input(0);
    String gaussian = e.op("Exp", e.op("Neg", e.op("Mul", x, x)));
    String slope = e.op("Mul", gaussian, e.floatScalar((float) TWO_OVER_SQRT_PI));
    ctx.addGradient(0, e.op("Mul", ctx.outputGradient(0), slope));
  }
}
