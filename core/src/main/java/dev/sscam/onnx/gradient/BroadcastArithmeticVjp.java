package dev.sscam.onnx.gradient;

/**
 * Elementwise ops with numpy broadcasting. For {@code y = f(a, b)}: {@code da = reduce_to_shape(dy
 * ·∂f/∂a, a)} where reduce_to_shape sums over the axes along which a was broadcast
 * ({@link GraphEmitter#reduceToShape}). Add: ∂/∂a = ∂/∂b = 1; Sub: 1, −1; Mul: b, a; Div: 1/b,
 * −y/b; Sum (variadic): 1 each; Where(c, a, b): mask c, not c; Expand: 1 (the broadcast itself).
 */
final class BroadcastArithmeticVjp implements VjpRule {
  private final String op;

  BroadcastArithmeticVjp(String op) {
    this.op = op;
  }

  @Override
  public void emit(VjpContext ctx) {
    GraphEmitter e = ctx.emit();
    String dy = ctx.outputGradient(0);
    switch (op) {
      case "Add", "Sum" -> {
        for (int i = 0; i < ctx.inputCount(); i++) {
          give(ctx, i, dy);
        }
      }
      case "Sub" -> {
        give(ctx, 0, dy);
        if (ctx.needsGradient(1)) {
          give(ctx, 1, e.op("Neg", dy));
        }
      }
      case "Mul" -> {
        if (ctx.needsGradient(0)) {
          give(ctx, 0, e.op("Mul", dy, ctx.input(1)));
        }
        if (ctx.needsGradient(1)) {
          give(ctx, 1, e.op("Mul", dy, ctx.input(0)));
        }
      }
      case "Div" -> {
        if (ctx.needsGradient(0)) {
          give(ctx, 0, e.op("Div", dy, ctx.input(1)));
        }
        if (ctx.needsGradient(1)) {
          give(ctx, 1, e.op("Neg", e.op("Div", e.op("Mul", dy, ctx.output(0)), ctx.input(1))));
        }
      }
      case "Where" -> {
        ctx.requireNoGradient("condition", 0);
        String zero = e.floatScalar(0f);
        if (ctx.needsGradient(1)) {
          give(ctx, 1, e.op("Where", ctx.input(0), dy, zero));
        }
        if (ctx.needsGradient(2)) {
          give(ctx, 2, e.op("Where", ctx.input(0), zero, dy));
        }
      }
      case "Expand" -> {
        ctx.requireNoGradient("shape", 1);
        give(ctx, 0, dy);
      }
      default -> throw new IllegalArgumentException(op);
    }
  }

  private static void give(VjpContext ctx, int i, String grad) {
    if (ctx.needsGradient(i)) {
      // every term is dy times something that broadcasts to the output: it has the output's shape
      if (ctx.emit().knownShape(grad) == null) {
        ctx.emit().knowShape(grad, ctx.emit().knownShape(ctx.output(0)));
      }
      ctx.addGradient(i, ctx.emit().reduceToShape(grad, ctx.emit().shapeOf(ctx.input(i))));
    }
  }
}
