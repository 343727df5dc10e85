package dev.sscam.onnx.gradient;

/**
 * ReduceMax and ReduceMin (axes as input, the compiled graph's opset form): the derivative of a
 * maximum is 1 at the maximal element and 0 elsewhere. Where several elements tie for the extremum
 * the gradient is shared equally among them, as PyTorch's {@code amax}/{@code amin} do:
 * {@code dx = [x = y] · dy / #{x = y}}, with y and dy given back their reduced axes (Unsqueeze when
 * keepdims=0) and broadcast over x.
 */
final class ReduceExtremumVjp implements VjpRule {
  @Override
  public void emit(VjpContext ctx) {
    ctx.requireNoGradient("axes", 1);
    if (!ctx.needsGradient(0)) {
      return;
    }
    GraphEmitter e = ctx.emit();
    String x = ctx.input(0);
    String y = ctx.withReducedAxes(ctx.output(0));
    String dy = ctx.withReducedAxes(ctx.outputGradient(0));
    String hit = e.node("Cast").in(e.op("Equal", x, y)).attr("to", 1).out();
    GraphEmitter.Node count = e.node("ReduceSum").attr("keepdims", 1)
        .attr("noop_with_empty_axes", ctx.attrInt("noop_with_empty_axes", 0));
    String ties = ctx.hasInput(1) ? count.in(hit, ctx.input(1)).out() : count.in(hit).out();
    ctx.addGradient(0, e.op("Mul", hit, e.op("Div", dy, ties)));
  }
}
