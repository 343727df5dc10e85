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
    String padded = zeroPadded(ctx, e, x);
    if (padded != null) {
      ctx.addGradient(0, padded);
      return;
    }
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

  /**
   * When x's shape is known and the op selects one box of it (a step-1 Slice with constant bounds,
   * or a Gather of one constant index), the VJP is dy padded with zeros back to x's shape: no index
   * tensors, no scatter. Null otherwise.
   */
  private static String zeroPadded(VjpContext ctx, GraphEmitter e, String x) {
    long[] xs = e.knownShape(x);
    if (xs == null) {
      return null;
    }
    int rank = xs.length;
    long[] begin = new long[rank];
    long[] end = new long[rank];
    String dy = ctx.outputGradient(0);
    switch (ctx.node().getOpType()) {
      case "Slice" -> {
        long[] starts = ctx.constantInt64s(1);
        long[] ends = ctx.constantInt64s(2);
        long[] axes = ctx.hasInput(3) ? ctx.constantInt64s(3) : null;
        long[] steps = ctx.hasInput(4) ? ctx.constantInt64s(4) : null;
        if (starts == null || ends == null || (ctx.hasInput(3) && axes == null) || (ctx.hasInput(4) && steps == null)) {
          return null;
        }
        for (int k = 0; k < starts.length; k++) {
          int axis = (int) (axes == null ? k : axes[k] < 0 ? axes[k] + rank : axes[k]);
          if (steps != null && steps[k] != 1) {
            return null;
          }
          long d = xs[axis];
          long s = TensorValues.sliceBound(starts[k], d);
          long t = TensorValues.sliceBound(ends[k], d);
          begin[axis] = s;
          end[axis] = d - Math.max(s, t);
        }
      }
      case "Gather" -> {
        long[] index = ctx.constantInt64s(1);
        long[] dims = ctx.constantDims(1);
        if (index == null || index.length != 1 || dims.length > 1) {
          return null;
        }
        int axis = (int) ctx.attrInt("axis", 0);
        axis = axis < 0 ? axis + rank : axis;
        long i = index[0] < 0 ? index[0] + xs[axis] : index[0];
        begin[axis] = i;
        end[axis] = xs[axis] - i - 1;
        if (dims.length == 0) {
          dy = e.op("Unsqueeze", dy, e.int64s(axis));
        }
      }
      default -> {
        return null;
      }
    }
    long[] pads = new long[2 * rank];
    System.arraycopy(begin, 0, pads, 0, rank);
    System.arraycopy(end, 0, pads, rank, rank);
    String out = e.op("Pad", dy, e.int64s(pads));
    e.knowShape(out, xs);
    return out;
  }
}
