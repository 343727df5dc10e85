package dev.sscam.onnx.gradient;

/**
 * Gelu (opset 20; older exporters decompose it into Erf or Tanh arithmetic, covered by those
 * rules). With Φ and φ the standard normal distribution and density:
 *
 * <ul>
 *   <li>{@code approximate="none"}: {@code y = x·Φ(x) = x/2·(1 + erf(x/√2))}, so
 *       {@code y' = Φ(x) + x·φ(x) = (1 + erf(x/√2))/2 + x·exp(−x²/2)/√(2π)};
 *   <li>{@code approximate="tanh"}: {@code y = x/2·(1 + tanh(u))} with
 *       {@code u = √(2/π)·(x + 0.044715·x³)}, so
 *       {@code y' = (1 + tanh u)/2 + x/2·(1 − tanh² u)·√(2/π)·(1 + 3·0.044715·x²)}.
 * </ul>
 *
 * {@code dx = dy · y'}. Both are PyTorch's {@code gelu_backward} formulas.
 */
final class GeluVjp implements VjpRule {
  private static final double SQRT_HALF = Math.sqrt(0.5);
  private static final double INV_SQRT_TWO_PI = 1 / Math.sqrt(2 * Math.PI);
  private static final double SQRT_TWO_OVER_PI = Math.sqrt(2 / Math.PI);
  private static final double CUBIC = 0.044715;

  @Override
  public void emit(VjpContext ctx) {
    if (!ctx.needsGradient(0)) {
      return;
    }
    GraphEmitter e = ctx.emit();
    String x = ctx.input(0);
    String approximate = ctx.attrString("approximate", "none");
    String slope = switch (approximate) {
      case "none" -> exact(e, x);
      case "tanh" -> tanhApproximation(e, x);
      default -> throw ctx.unsupported("approximate=\"" + approximate + "\" is not an ONNX Gelu mode");
    };
    ctx.addGradient(0, e.op("Mul", ctx.outputGradient(0), slope));
  }

  private static String exact(GraphEmitter e, String x) {
    String half = e.floatScalar(0.5f);
    String cdf = e.op("Mul", half, e.op("Add", e.floatScalar(1f),
        e.op("Erf", e.op("Mul", x, e.floatScalar((float) SQRT_HALF)))));
    String density = e.op("Mul", e.op("Exp", e.op("Mul", e.op("Mul", x, x), e.floatScalar(-0.5f))),
        e.floatScalar((float) INV_SQRT_TWO_PI));
    return e.op("Add", cdf, e.op("Mul", x, density));
  }

  private static String tanhApproximation(GraphEmitter e, String x) {
    String half = e.floatScalar(0.5f);
    String one = e.floatScalar(1f);
    String x2 = e.op("Mul", x, x);
    String inner = e.op("Mul", e.floatScalar((float) SQRT_TWO_OVER_PI),
        e.op("Add", x, e.op("Mul", e.floatScalar((float) CUBIC), e.op("Mul", x2, x))));
    String t = e.op("Tanh", inner);
    String innerSlope = e.op("Mul", e.floatScalar((float) SQRT_TWO_OVER_PI),
        e.op("Add", one, e.op("Mul", e.floatScalar((float) (3 * CUBIC)), x2)));
    String left = e.op("Mul", half, e.op("Add", one, t));
    String right = e.op("Mul", e.op("Mul", half, x),
        e.op("Mul", e.op("Sub", one, e.op("Mul", t, t)), innerSlope));
    return e.op("Add", left, right);
  }
}
