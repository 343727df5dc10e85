package dev.sscam.onnx.gradient;

/**
 * GlobalAveragePool: {@code y[n,c] = mean over (h,w) of x[n,c,h,w]}, so {@code dx = dy / (H·W)}
 * broadcast over the spatial axes ({@code H·W = Size(x)/Size(y)}, dynamic). GlobalMaxPool: the
 * gradient goes to the first maximal element of each (n, c) plane (ArgMax over the flattened
 * plane, then ScatterElements).
 */
final class GlobalPoolVjp implements VjpRule {
  private final boolean max;

  GlobalPoolVjp(boolean max) {
    this.max = max;
  }

  @Override
  public void emit(VjpContext ctx) {
    if (!ctx.needsGradient(0)) {
      return;
    }
    GraphEmitter e = ctx.emit();
    String x = ctx.input(0);
    String dy = ctx.outputGradient(0);
    if (!max) {
      String count = e.node("Cast").in(e.op("Div", e.op("Size", x), e.op("Size", ctx.output(0))))
          .attr("to", 1).out();
      ctx.addGradient(0, e.op("Div", e.op("Expand", dy, e.shapeOf(x)), count));
      return;
    }
    String planes = e.node("Concat").in(e.dims(x, 0, 2), e.int64s(-1)).attr("axis", 0).out();
    String flat = e.op("Reshape", x, planes);
    String argmax = e.node("ArgMax").in(flat).attr("axis", 2).attr("keepdims", 1).out();
    String scattered = e.node("ScatterElements")
        .in(e.zeros(e.shapeOf(flat)), argmax, e.op("Reshape", dy, e.shapeOf(argmax)))
        .attr("axis", 2).out();
    ctx.addGradient(0, e.op("Reshape", scattered, e.shapeOf(x)));
  }
}
