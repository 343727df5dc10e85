package dev.sscam.onnx.gradient;

/**
 * Ops whose every output element is a copy of one input element (Slice, Gather, Tile) or of the
 * pad value (Pad). Their VJP is exact by construction: the same op, with the same index/shape
 * inputs, is applied to the tensor of flat element indices of x ({@link
 * GraphEmitter#elementIndices}), which tells for each output element which input element it
 * copies; {@code dy} is then scattered back with ScatterElements(reduction="add"). Negative,
 * clamped or overflowing Slice bounds, steps and repeated Gather indices therefore behave exactly
 * as in the forward. For Pad the indices are shifted by one and padded with 0, so padding positions
 * land in a discarded slot (this covers the constant, reflect and edge modes alike).
 */
final class ElementSelectionVjp implements VjpRule {
  @Override
  public void emit(VjpContext ctx) {
    for (int i = 1; i < ctx.inputCount(); i++) {
      ctx.requireNoGradient("index/shape input", i);
    }
    if (!ctx.needsGradient(0)) {
      return;
    }
    GraphEmitter e = ctx.emit();
    String x = ctx.input(0);
    String indices = e.elementIndices(x);
    String op = ctx.node().getOpType();
    boolean pad = op.equals("Pad");
    String[] inputs = new String[ctx.inputCount()];
    for (int i = 1; i < inputs.length; i++) {
      inputs[i] = ctx.input(i);
    }
    if (pad) {
      inputs[0] = e.op("Add", indices, e.int64Scalar(1));
      if (inputs.length > 2) {
        inputs[2] = ctx.hasInput(2) ? e.int64Scalar(0) : "";
      }
    } else {
      inputs[0] = indices;
    }
    GraphEmitter.Node selection = e.node(op).in(inputs);
    for (ai.onnx.proto.OnnxMl.AttributeProto a : ctx.node().getAttributeList()) {
      selection.copy(a);
    }
    String selected = selection.out();
    ctx.addGradient(0, e.scatterAdd(x, selected, ctx.outputGradient(0), pad));
  }
}
