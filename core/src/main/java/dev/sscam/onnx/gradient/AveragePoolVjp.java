package dev.sscam.onnx.gradient;

/**
 * AveragePool: {@code y[w] = (sum of x over window w ∩ input) / div[w]}, where div[w] is the
 * window size or the number of non-padding elements (count_include_pad), and ceil_mode windows may
 * hang over the end. Rather than re-derive ONNX Runtime's divisor rules, the graph measures them:
 * with ones shaped [N, 1, spatial...], {@code AveragePool(ones)[w] = count[w] / div[w]} and
 * {@code count[w]} (input elements in the window) is a zero-padded sum-convolution of the ones, so
 * {@code 1/div[w] = AveragePool(ones)[w] / count[w]} (0 where the window holds no input). Then
 * {@code dx = crop(ConvTranspose(dy / div, ones kernel))} per channel, as in the Conv VJP.
 */
final class AveragePoolVjp implements VjpRule {
  @Override
  public void emit(VjpContext ctx) {
    if (!ctx.needsGradient(0)) {
      return;
    }
    long[] kernel = ctx.attrInts("kernel_shape");
    if (kernel == null) {
      throw ctx.unsupported("kernel_shape missing");
    }
    WindowGeometry geo = WindowGeometry.of(ctx, kernel);
    int k = geo.rank();
    if (isIdentity(geo, kernel)) {
      // 1-element windows, stride 1, no padding: y = x, so dx = dy. torchvision's VGG pools its 7x7
      // features adaptively to 7x7 like this; the general rule's dozen nodes cost its merged pass 2%.
      ctx.addGradient(0, ctx.outputGradient(0));
      return;
    }
    GraphEmitter e = ctx.emit();
    String x = ctx.input(0);
    String y = ctx.output(0);
    String dy = ctx.outputGradient(0);

    String spatialX = e.dims(x, 2, GraphEmitter.END);
    String spatialY = e.dims(y, 2, GraphEmitter.END);
    String onesShape = e.node("Concat").in(e.dims(x, 0, 1), e.int64s(1), spatialX).attr("axis", 0).out();
    String ones = e.node("ConstantOfShape").in(onesShape)
        .tensor("value", dev.sscam.onnx.OnnxGraphBuilder.floatTensor("value", new float[] {1f}, 1)).out();

    // AveragePool of ones with the forward's own attributes: count[w] / div[w]
    GraphEmitter.Node pool = e.node("AveragePool").in(ones);
    for (ai.onnx.proto.OnnxMl.AttributeProto a : ctx.node().getAttributeList()) {
      pool.copy(a);
    }
    String countOverDiv = pool.out();

    // count[w]: sum of ones over the window with zero padding; extra end padding (stride - 1)
    // yields at least as many windows as ceil_mode, then crop to y's spatial size
    long[] kernelDims = new long[k + 2];
    kernelDims[0] = 1;
    kernelDims[1] = 1;
    int kernelSize = 1;
    for (int i = 0; i < k; i++) {
      kernelDims[2 + i] = kernel[i];
      kernelSize *= (int) kernel[i];
    }
    float[] onesKernel = new float[kernelSize];
    java.util.Arrays.fill(onesKernel, 1f);
    String kernelOnes = e.floats(onesKernel, kernelDims);
    long[] countPads = geo.pads();
    for (int i = 0; i < k; i++) {
      countPads[k + i] += geo.strides()[i] - 1;
    }
    String countFull = e.node("Conv").in(ones, kernelOnes).attr("kernel_shape", kernel)
        .attr("strides", geo.strides()).attr("dilations", geo.dilations()).attr("pads", countPads).out();
    long[] axes = new long[k];
    for (int i = 0; i < k; i++) {
      axes[i] = 2 + i;
    }
    String count = e.op("Slice", countFull, e.int64s(new long[k]), spatialY, e.int64s(axes));
    String zero = e.floatScalar(0f);
    String invDiv = e.op("Where", e.op("Greater", count, zero),
        e.op("Div", countOverDiv, e.op("Max", count, e.floatScalar(1f))), zero);
    String scaled = e.op("Mul", dy, invDiv);

    // per-channel transposed sum-convolution on [N*C, 1, spatial...]
    String perChannelY = e.node("Concat").in(e.int64s(-1, 1), spatialY).attr("axis", 0).out();
    String full = e.node("ConvTranspose").in(e.op("Reshape", scaled, perChannelY), kernelOnes)
        .attr("kernel_shape", kernel).attr("strides", geo.strides()).attr("dilations", geo.dilations())
        .attr("pads", geo.zeroPads()).out();
    String cropped = e.cropToInput(full, spatialX, geo.padBegin(), geo.strides());
    ctx.addGradient(0, e.op("Reshape", cropped, e.shapeOf(x)));
  }

  private static boolean isIdentity(WindowGeometry geo, long[] kernel) {
    for (int i = 0; i < geo.rank(); i++) {
      if (kernel[i] != 1 || geo.strides()[i] != 1 || geo.padBegin()[i] != 0 || geo.padEnd()[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
