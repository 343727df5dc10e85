package dev.sscam.onnx.gradient;

import java.util.Arrays;

/**
 * ConvTranspose: {@code y = crop_pads(full(x, W)) } with output_padding rows appended. Its VJP
 * with respect to x is the convolution with the same weights: {@code dx = Conv(Pad(dy, pads), W)}
 * with the forward's strides, dilations and groups and no further padding; padding dy back by the
 * forward's pads restores the full-size coordinates, and the convolution's floor drops the
 * output_padding rows (which no input reached). {@code output_shape} and SAME auto-padding (pads
 * depending on sizes) are refused.
 */
final class ConvTransposeVjp implements VjpRule {
  @Override
  public void emit(VjpContext ctx) {
    ctx.requireNoGradient("weights", 1);
    ctx.requireNoGradient("bias", 2);
    if (!ctx.needsGradient(0)) {
      return;
    }
    if (ctx.attrInts("output_shape") != null) {
      throw ctx.unsupported("output_shape (size-dependent padding) is not supported; use pads");
    }
    long[] kernel = ctx.attrInts("kernel_shape");
    if (kernel == null) {
      long[] w = ctx.constantDims(1);
      kernel = w == null ? null : Arrays.copyOfRange(w, 2, w.length);
    }
    WindowGeometry geo = WindowGeometry.of(ctx, kernel);
    long[] outputPadding = ctx.attrInts("output_padding");
    GraphEmitter e = ctx.emit();
    String dy = ctx.outputGradient(0);
    long[] pads = new long[2 * geo.rank() + 4];
    for (int i = 0; i < geo.rank(); i++) {
      pads[2 + i] = geo.padBegin()[i];
      pads[geo.rank() + 4 + i] = geo.padEnd()[i];
    }
    String padded = Arrays.stream(pads).allMatch(p -> p == 0) ? dy : e.op("Pad", dy, e.int64s(pads));
    GraphEmitter.Node conv = e.node("Conv").in(padded, ctx.input(1))
        .attr("strides", geo.strides()).attr("dilations", geo.dilations())
        .attr("group", ctx.attrInt("group", 1)).attr("pads", geo.zeroPads());
    if (kernel != null) {
      conv.attr("kernel_shape", kernel);
    }
    String dx = conv.out();
    boolean extraRows = false;
    for (int i = 0; outputPadding != null && i < outputPadding.length; i++) {
      extraRows |= outputPadding[i] >= geo.strides()[i];
    }
    if (extraRows) {
      // output_padding >= stride would give the convolution an extra row: drop it
      long[] axes = new long[geo.rank()];
      for (int i = 0; i < axes.length; i++) {
        axes[i] = 2 + i;
      }
      dx = e.op("Slice", dx, e.int64s(new long[geo.rank()]), e.dims(ctx.input(0), 2, GraphEmitter.END),
          e.int64s(axes));
    }
    ctx.addGradient(0, dx);
  }
}
