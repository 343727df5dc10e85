package dev.sscam.onnx.gradient;

/**
 * ReduceSum and ReduceMean (axes as input, the compiled graph's opset form). With keepdims=0 the
 * reduced axes are restored with Unsqueeze (same axes: they index the input's rank), then
 * {@code dx = Expand(dy, Shape(x))}, divided by the number of reduced elements
 * {@code Size(x)/Size(y)} for the mean. Empty or absent axes (reduce all, or noop_with_empty_axes)
 * fall out of the same formulas.
 */
final class ReduceVjp implements VjpRule {
  private final boolean mean;

  ReduceVjp(boolean mean) {
    this.mean = mean;
  }

  @Override
  public void emit(VjpContext ctx) {
    ctx.requireNoGradient("axes", 1);
    if (!ctx.needsGradient(0)) {
      return;
    }
    GraphEmitter e = ctx.emit();
    String x = ctx.input(0);
    String dy = ctx.withReducedAxes(ctx.outputGradient(0));
    String dx = e.op("Expand", dy, e.shapeOf(x));
    if (mean) {
      String count = e.node("Cast").in(e.op("Div", e.op("Size", x), e.op("Size", ctx.output(0))))
          .attr("to", 1).out();
      dx = e.op("Div", dx, count);
    }
    ctx.addGradient(0, dx);
  }
}
