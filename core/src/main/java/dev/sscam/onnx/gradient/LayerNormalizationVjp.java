package dev.sscam.onnx.gradient;

/**
 * LayerNormalization (opset 17): over the axes {@code [axis, rank)} of x, with n their number of
 * elements, {@code μ = mean(x)}, {@code r = 1/√(mean((x − μ)²) + ε)}, {@code x̂ = (x − μ)·r} and
 * {@code y = x̂ ⊙ scale + B} (scale and B broadcast to the normalised axes).
 *
 * <p>With {@code g = dy ⊙ scale} (the gradient at x̂), the standard result for normalisation is
 * {@code dx = r · (g − mean(g) − x̂ · mean(g ⊙ x̂))}, the means over the normalised axes: the two
 * subtracted terms are the gradient's components along the directions that μ and r remove (the
 * constant and x̂ itself). {@code dscale = Σ dy ⊙ x̂} and {@code dB = Σ dy}, summed over the axes
 * along which they were broadcast.
 *
 * <p>The statistics are recomputed in the graph from x rather than read from the optional Mean and
 * InvStdDev outputs, which most exporters omit. The normalised axes are made one by Flatten at
 * {@code axis}, which accepts negative axes, so x's rank need not be known. Gradients arriving at
 * the Mean/InvStdDev outputs are refused.
 */
final class LayerNormalizationVjp implements VjpRule {
  @Override
  public void emit(VjpContext ctx) {
    if (ctx.outputGradient(1) != null || ctx.outputGradient(2) != null) {
      throw ctx.unsupported("a gradient through its Mean or InvStdDev output is not supported");
    }
    GraphEmitter e = ctx.emit();
    String x = ctx.input(0);
    String scale = ctx.input(1);
    String dy = ctx.outputGradient(0);
    long axis = ctx.attrInt("axis", -1);
    String xShape = e.shapeOf(x);
    String rows = e.int64s(1);

    String x2 = e.node("Flatten").in(x).attr("axis", axis).out();
    String centred = e.op("Sub", x2, e.node("ReduceMean").in(x2, rows).attr("keepdims", 1).out());
    String variance = e.node("ReduceMean").in(e.op("Mul", centred, centred), rows).attr("keepdims", 1).out();
    String epsilon = e.floatScalar(ctx.attrFloat("epsilon", 1e-5f));
    String r = e.op("Reciprocal", e.op("Sqrt", e.op("Add", variance, epsilon)));
    String normalised = e.op("Mul", centred, r);

    if (ctx.needsGradient(0)) {
      String g = e.node("Flatten").in(e.op("Mul", dy, scale)).attr("axis", axis).out();
      String meanG = e.node("ReduceMean").in(g, rows).attr("keepdims", 1).out();
      String meanGx = e.node("ReduceMean").in(e.op("Mul", g, normalised), rows).attr("keepdims", 1).out();
      String dx2 = e.op("Mul", r, e.op("Sub", e.op("Sub", g, meanG), e.op("Mul", normalised, meanGx)));
      ctx.addGradient(0, e.op("Reshape", dx2, xShape));
    }
    if (ctx.needsGradient(1)) {
      String xHat = e.op("Reshape", normalised, xShape);
      ctx.addGradient(1, e.reduceToShape(e.op("Mul", dy, xHat), e.shapeOf(scale)));
    }
    if (ctx.needsGradient(2)) {
      ctx.addGradient(2, e.reduceToShape(dy, e.shapeOf(ctx.input(2))));
    }
  }
}
