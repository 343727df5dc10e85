package dev.sscam.onnx.gradient;

/**
 * Ops that keep every element and only change the shape (Reshape, Flatten, Squeeze, Unsqueeze) or
 * nothing at all (Identity; Dropout, which is the identity at inference; Cast between float
 * types): {@code dx = Reshape(dy, Shape(x))}, or {@code dx = dy}, cast back to float for Cast.
 */
final class ShapeOnlyVjp implements VjpRule {
  private final boolean reshape;

  ShapeOnlyVjp(boolean reshape) {
    this.reshape = reshape;
  }

  @Override
  public void emit(VjpContext ctx) {
    for (int i = 1; i < ctx.inputCount(); i++) {
      ctx.requireNoGradient("shape/axes/ratio", i);
    }
    if (!ctx.needsGradient(0)) {
      return;
    }
    GraphEmitter e = ctx.emit();
    String dy = ctx.outputGradient(0);
    if (ctx.node().getOpType().equals("Cast")) {
      dy = e.node("Cast").in(dy).attr("to", 1).out();
    }
    ctx.addGradient(0, reshape ? e.op("Reshape", dy, e.shapeOf(ctx.input(0))) : dy);
  }
}
