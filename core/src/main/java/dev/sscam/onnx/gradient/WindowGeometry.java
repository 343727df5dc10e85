package dev.sscam.onnx.gradient;

import java.util.Arrays;

/**
 * The static window attributes shared by Conv, ConvTranspose and the pooling ops: kernel size,
 * strides, dilations and explicit begin/end pads per spatial axis, with ONNX defaults filled in.
 * {@code auto_pad} SAME_UPPER/SAME_LOWER make the pads depend on the input size: refused unless the
 * caller computes them in the graph ({@link #samePadBegin}).
 */
record WindowGeometry(long[] kernel, long[] strides, long[] dilations, long[] padBegin, long[] padEnd) {

  /** Reads the attributes of ctx's node; {@code kernel} may come from the weights when null. */
  static WindowGeometry of(VjpContext ctx, long[] kernel) {
    return of(ctx, kernel, false);
  }

  /**
   * As {@link #of(VjpContext, long[])}; with {@code sameAllowed}, SAME_UPPER/SAME_LOWER are accepted
   * and reported with zero pads (the caller computes them in the graph, see {@link #isSame}).
   */
  static WindowGeometry of(VjpContext ctx, long[] kernel, boolean sameAllowed) {
    int k = spatialRank(ctx, kernel);
    String autoPad = ctx.attrString("auto_pad", "NOTSET");
    boolean same = autoPad.equals("SAME_UPPER") || autoPad.equals("SAME_LOWER");
    if (same && sameAllowed) {
      autoPad = "VALID";
    }
    if (!autoPad.equals("NOTSET") && !autoPad.equals("VALID")) {
      throw ctx.unsupported("auto_pad=" + autoPad + " (input-size-dependent padding) is not supported; "
          + "re-export with explicit pads");
    }
    long[] strides = orOnes(ctx.attrInts("strides"), k);
    long[] dilations = orOnes(ctx.attrInts("dilations"), k);
    long[] pads = ctx.attrInts("pads");
    if (pads == null || autoPad.equals("VALID")) {
      pads = new long[2 * k];
    }
    if (pads.length != 2 * k || strides.length != k || dilations.length != k) {
      throw ctx.unsupported("inconsistent window attributes (pads " + Arrays.toString(pads)
          + ", strides " + Arrays.toString(strides) + ", dilations " + Arrays.toString(dilations) + ")");
    }
    long[] kern = kernel == null ? null : kernel.clone();
    return new WindowGeometry(kern, strides, dilations, Arrays.copyOfRange(pads, 0, k),
        Arrays.copyOfRange(pads, k, 2 * k));
  }

  /** Whether the node pads with auto_pad SAME_UPPER or SAME_LOWER. */
  static boolean isSame(VjpContext ctx) {
    String autoPad = ctx.attrString("auto_pad", "NOTSET");
    return autoPad.equals("SAME_UPPER") || autoPad.equals("SAME_LOWER");
  }

  /**
   * The begin pads of auto_pad SAME_* as a graph tensor (they depend on the input size H):
   * {@code total = max(0, (ceil(H/s) − 1)·s + (k − 1)·d + 1 − H)}, begin = ⌊total/2⌋ for SAME_UPPER,
   * ⌈total/2⌉ for SAME_LOWER (ONNX's definition).
   */
  String samePadBegin(VjpContext ctx, GraphEmitter e, String spatialShape) {
    long[] effective = new long[rank()];
    long[] stridesMinusOne = new long[rank()];
    for (int i = 0; i < rank(); i++) {
      effective[i] = (kernel[i] - 1) * dilations[i] + 1;
      stridesMinusOne[i] = strides[i] - 1;
    }
    String s = e.int64s(strides);
    String out = e.op("Div", e.op("Add", spatialShape, e.int64s(stridesMinusOne)), s);
    String span = e.op("Add", e.op("Mul", e.op("Sub", out, e.int64s(1)), s), e.int64s(effective));
    String total = e.op("Max", e.op("Sub", span, spatialShape), e.int64s(0));
    boolean lower = ctx.attrString("auto_pad", "").equals("SAME_LOWER");
    return e.op("Div", lower ? e.op("Add", total, e.int64s(1)) : total, e.int64s(2));
  }

  int rank() {
    return strides.length;
  }

  long[] zeroPads() {
    return new long[2 * rank()];
  }

  long[] pads() {
    long[] p = new long[2 * rank()];
    System.arraycopy(padBegin, 0, p, 0, rank());
    System.arraycopy(padEnd, 0, p, rank(), rank());
    return p;
  }

  private static int spatialRank(VjpContext ctx, long[] kernel) {
    if (kernel != null) {
      return kernel.length;
    }
    for (String name : new String[] {"strides", "dilations"}) {
      long[] v = ctx.attrInts(name);
      if (v != null) {
        return v.length;
      }
    }
    long[] pads = ctx.attrInts("pads");
    if (pads != null) {
      return pads.length / 2;
    }
    int r = ctx.rank(ctx.input(0));
    if (r > 2) {
      return r - 2;
    }
    throw ctx.unsupported("cannot tell the number of spatial axes (no kernel_shape, constant weights, "
        + "strides, dilations or pads)");
  }

  private static long[] orOnes(long[] v, int k) {
    if (v != null) {
      return v;
    }
    long[] ones = new long[k];
    Arrays.fill(ones, 1);
    return ones;
  }
}
