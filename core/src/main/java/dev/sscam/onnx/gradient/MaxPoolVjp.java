package dev.sscam.onnx.gradient;

/**
 * MaxPool: each output is a copy of the largest input in its window. The compiled forward graph
 * asks MaxPool for its Indices output (flat row-major indices into the whole N·C·H·W input, batch
 * and channel offsets included, as ONNX specifies for storage_order 0), and the VJP scatters
 * {@code dy} to those positions with ScatterElements(reduction="add"): overlapping windows that
 * pick the same input add up, and a tie goes to the element ONNX Runtime picked in the forward.
 */
final class MaxPoolVjp implements VjpRule {
  @Override
  public void emit(VjpContext ctx) {
    if (!ctx.needsGradient(0) || ctx.outputGradient(0) == null) {
      return;
    }
    if (ctx.attrInt("storage_order", 0) != 0) {
      throw ctx.unsupported("storage_order=1 (column-major indices) is not supported");
    }
    if (ctx.outputCount() < 2) {
      throw new IllegalStateException("MaxPool indices output missing in the compiled forward");
    }
    GraphEmitter e = ctx.emit();
    ctx.addGradient(0, e.scatterAdd(ctx.input(0), ctx.output(1), ctx.outputGradient(0), false));
  }
}
