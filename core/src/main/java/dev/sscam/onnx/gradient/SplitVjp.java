package dev.sscam.onnx.gradient;

/**
 * Split along axis a into y_1..y_m: {@code dx = Concat(dy_1, ..., dy_m, axis=a)}, with zeros shaped
 * like y_j for outputs that receive no gradient.
 */
final class SplitVjp implements VjpRule {
  @Override
  public void emit(VjpContext ctx) {
    ctx.requireNoGradient("split sizes", 1);
    if (!ctx.needsGradient(0)) {
      return;
    }
    GraphEmitter e = ctx.emit();
    String[] parts = new String[ctx.outputCount()];
    for (int j = 0; j < parts.length; j++) {
      String g = ctx.outputGradient(j);
      parts[j] = g != null ? g : e.zeros(e.shapeOf(ctx.output(j)));
    }
    ctx.addGradient(0, e.node("Concat").in(parts).attr("axis", ctx.attrInt("axis", 0)).out());
  }
}
