package dev.sscam.onnx.gradient;

/**
 * Concat along axis a: input i occupies {@code [offset_i, offset_i + size_i)} of y along a, so
 * {@code dx_i = Slice(dy, offset_i, offset_i + size_i, axes=[a])}, with the sizes read from the
 * inputs' shapes in the graph (dynamic).
 */
final class ConcatVjp implements VjpRule {
  @Override
  public void emit(VjpContext ctx) {
    GraphEmitter e = ctx.emit();
    long axis = ctx.attrInt("axis", 0);
    String axisIndex = e.int64s(axis);
    String dy = ctx.outputGradient(0);
    String offset = e.int64s(0);
    for (int i = 0; i < ctx.inputCount(); i++) {
      String size = e.op("Gather", e.shapeOf(ctx.input(i)), axisIndex);
      String end = e.op("Add", offset, size);
      if (ctx.needsGradient(i)) {
        ctx.addGradient(i, e.op("Slice", dy, offset, end, axisIndex));
      }
      offset = end;
    }
  }
}
