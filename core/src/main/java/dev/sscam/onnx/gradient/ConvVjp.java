package dev.sscam.onnx.gradient;

import java.util.Arrays;

/**
 * Conv: {@code y = conv(x, W) + b}. The VJP with respect to x is the transposed convolution with
 * the same weights, strides, dilations and groups: {@code dx = crop(ConvTranspose(dy, W))}, where
 * the ConvTranspose runs without padding (its "full" result starts at padded coordinate 0) and
 * the crop keeps rows {@code padBegin .. padBegin + H_x} (zero where no window reached). Cropping
 * with a dynamic Slice instead of ConvTranspose's output_shape keeps the batch and spatial sizes
 * dynamic; auto_pad SAME_UPPER/SAME_LOWER pads are computed in the graph from the input size.
 * Gradients for the weights and bias are not needed by CAM methods and are refused.
 */
final class ConvVjp implements VjpRule {
  @Override
  public void emit(VjpContext ctx) {
    ctx.requireNoGradient("weights", 1);
    ctx.requireNoGradient("bias", 2);
    if (!ctx.needsGradient(0)) {
      return;
    }
    long[] kernel = ctx.attrInts("kernel_shape");
    if (kernel == null) {
      long[] w = ctx.constantDims(1);
      kernel = w == null ? null : Arrays.copyOfRange(w, 2, w.length);
    }
    boolean same = WindowGeometry.isSame(ctx);
    if (same && kernel == null) {
      throw ctx.unsupported("auto_pad SAME needs kernel_shape or constant weights");
    }
    WindowGeometry geo = WindowGeometry.of(ctx, kernel, true);
    GraphEmitter e = ctx.emit();
    GraphEmitter.Node convT = e.node("ConvTranspose").in(ctx.outputGradient(0), ctx.input(1))
        .attr("strides", geo.strides()).attr("dilations", geo.dilations())
        .attr("group", ctx.attrInt("group", 1)).attr("pads", geo.zeroPads());
    if (kernel != null) {
      convT.attr("kernel_shape", kernel);
    }
    String full = convT.out();
    String spatial = e.dims(ctx.input(0), 2, GraphEmitter.END);
    String padBegin = same ? geo.samePadBegin(ctx, e, spatial) : e.int64s(geo.padBegin());
    String dx = e.cropToInput(full, spatial, padBegin, geo.strides());
    ctx.addGradient(0, dx);
  }
}
