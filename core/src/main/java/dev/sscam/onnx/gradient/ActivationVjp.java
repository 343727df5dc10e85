package dev.sscam.onnx.gradient;

/**
 * Pointwise activations, {@code dx = dy · f'(x)}: Relu {@code [x > 0]}; LeakyRelu {@code 1 or
 * alpha}; Clip {@code [min ≤ x ≤ max]} (bounds as inputs, the compiled opset's form; inclusive, as
 * in PyTorch); Sigmoid {@code y(1 − y)}; Tanh {@code 1 − y²}; Exp {@code y}; Log {@code 1/x}; Sqrt
 * {@code 1/(2y)}; Neg {@code −1}; Abs {@code sign(x)}; Reciprocal ({@code y = 1/x})
 * {@code −y²}; Softplus ({@code y = ln(1 + eˣ)}) {@code σ(x)}.
 */
final class ActivationVjp implements VjpRule {
  private final String op;

  ActivationVjp(String op) {
    this.op = op;
  }

  @Override
  public void emit(VjpContext ctx) {
    if (op.equals("Clip")) {
      ctx.requireNoGradient("bounds", 1, 2);
    }
    if (!ctx.needsGradient(0)) {
      return;
    }
    GraphEmitter e = ctx.emit();
    String x = ctx.input(0);
    String y = ctx.output(0);
    String dy = ctx.outputGradient(0);
    String dx = switch (op) {
      case "Relu" -> e.op("Where", e.op("Greater", x, e.floatScalar(0f)), dy, e.floatScalar(0f));
      case "LeakyRelu" -> e.op("Where", e.op("Greater", x, e.floatScalar(0f)), dy,
          e.op("Mul", dy, e.floatScalar(ctx.attrFloat("alpha", 0.01f))));
      case "Clip" -> clip(ctx, e, x, dy);
      case "Sigmoid" -> e.op("Mul", dy, e.op("Mul", y, e.op("Sub", e.floatScalar(1f), y)));
      case "Tanh" -> e.op("Mul", dy, e.op("Sub", e.floatScalar(1f), e.op("Mul", y, y)));
      case "Exp" -> e.op("Mul", dy, y);
      case "Log" -> e.op("Div", dy, x);
      case "Sqrt" -> e.op("Div", dy, e.op("Mul", y, e.floatScalar(2f)));
      case "Neg" -> e.op("Neg", dy);
      case "Abs" -> e.op("Mul", dy, e.op("Sign", x));
      case "Reciprocal" -> e.op("Neg", e.op("Mul", dy, e.op("Mul", y, y)));
      case "Softplus" -> e.op("Mul", dy, e.op("Sigmoid", x));
      default -> throw new IllegalArgumentException(op);
    };
    ctx.addGradient(0, dx);
  }

  private static String clip(VjpContext ctx, GraphEmitter e, String x, String dy) {
    String mask = null;
    if (ctx.hasInput(1)) {
      mask = e.op("GreaterOrEqual", x, ctx.input(1));
    }
    if (ctx.hasInput(2)) {
      String upper = e.op("LessOrEqual", x, ctx.input(2));
      mask = mask == null ? upper : e.op("And", mask, upper);
    }
    return mask == null ? dy : e.op("Where", mask, dy, e.floatScalar(0f));
  }
}
