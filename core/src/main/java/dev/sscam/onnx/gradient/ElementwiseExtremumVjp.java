package dev.sscam.onnx.gradient;

/**
 * Max and Min of several tensors with numpy broadcasting ({@code clamp_min} of F.normalize exports
 * as {@code Max(norm, ε)}): the derivative of {@code y = max(x₁, …, x_k)} is 1 for the input that
 * attains y and 0 for the others. Where several inputs tie the gradient is shared equally, as
 * PyTorch's {@code maximum}/{@code minimum} do (half each for two):
 * {@code dx_i = reduce_to_shape(dy · [x_i = y] / #{j : x_j = y}, x_i)}.
 */
final class ElementwiseExtremumVjp implements VjpRule {
  @Override
  public void emit(VjpContext ctx) {
    GraphEmitter e = ctx.emit();
    String y = ctx.output(0);
    String[] hits = new String[ctx.inputCount()];
    for (int i = 0; i < hits.length; i++) {
      hits[i] = e.node("Cast").in(e.op("Equal", ctx.input(i), y)).attr("to", 1).out();
    }
    // every element of y equals at least one input, so the count is at least 1
    String share = e.op("Div", ctx.outputGradient(0), hits.length == 1 ? hits[0] : e.op("Sum", hits));
    for (int i = 0; i < hits.length; i++) {
      if (ctx.needsGradient(i)) {
        ctx.addGradient(i, e.reduceToShape(e.op("Mul", hits[i], share), e.shapeOf(ctx.input(i))));
      }
    }
  }
}
