package dev.sscam.onnx.gradient;

/**
 * Softmax and LogSoftmax over one axis (opset-13 semantics; older models' flatten-to-2-D
 * semantics are rewritten into Flatten → Softmax(axis=1) → Reshape when the head is compiled).
 * Softmax: {@code dx = y ⊙ (dy − Σ_axis dy ⊙ y)}. LogSoftmax: {@code dx = dy − exp(y) ⊙ Σ_axis dy}.
 */
final class SoftmaxVjp implements VjpRule {
  private final boolean log;

  SoftmaxVjp(boolean log) {
    this.log = log;
  }

  @Override
  public void emit(VjpContext ctx) {
    if (!ctx.needsGradient(0)) {
      return;
    }
    GraphEmitter e = ctx.emit();
    String y = ctx.output(0);
    String dy = ctx.outputGradient(0);
    String axes = e.int64s(ctx.attrInt("axis", -1));
    if (log) {
      String sum = e.node("ReduceSum").in(dy, axes).attr("keepdims", 1).out();
      ctx.addGradient(0, e.op("Sub", dy, e.op("Mul", e.op("Exp", y), sum)));
    } else {
      String sum = e.node("ReduceSum").in(e.op("Mul", dy, y), axes).attr("keepdims", 1).out();
      ctx.addGradient(0, e.op("Mul", y, e.op("Sub", dy, sum)));
    }
  }
}
