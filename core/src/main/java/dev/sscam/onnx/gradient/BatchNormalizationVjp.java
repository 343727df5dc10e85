package dev.sscam.onnx.gradient;

/**
 * BatchNormalization in inference mode: {@code y = scale·(x − mean)/sqrt(var + ε) + B}, per
 * channel (axis 1). It is affine in x, so {@code dx = scale·dy/sqrt(var + ε)}, which is the same op
 * applied to dy with B and mean set to zero: {@code BatchNormalization(dy, scale, 0, 0, var, ε)}.
 * Training mode (batch statistics) is refused.
 */
final class BatchNormalizationVjp implements VjpRule {
  @Override
  public void emit(VjpContext ctx) {
    ctx.requireNoGradient("scale/bias/mean/variance", 1, 2, 3, 4);
    if (ctx.attrInt("training_mode", 0) != 0) {
      throw ctx.unsupported("training_mode=1 is not supported (inference mode only)");
    }
    if (!ctx.needsGradient(0)) {
      return;
    }
    GraphEmitter e = ctx.emit();
    String zeroBias = e.zeros(e.shapeOf(ctx.input(2)));
    String zeroMean = e.zeros(e.shapeOf(ctx.input(3)));
    String dx = e.node("BatchNormalization")
        .in(ctx.outputGradient(0), ctx.input(1), zeroBias, zeroMean, ctx.input(4))
        .attr("epsilon", ctx.attrFloat("epsilon", 1e-5f)).out();
    ctx.addGradient(0, dx);
  }
}
