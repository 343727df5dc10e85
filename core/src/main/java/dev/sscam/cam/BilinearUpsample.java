package dev.sscam.cam;

/**
 * {@code U(·)}: bilinear resampling of an {@code h×w} map to {@code H×W} with {@code
 * align_corners = false}, as PyTorch's {@code F.interpolate(mode="bilinear")}: the source coordinate
 * of output pixel {@code d} is {@code (d + 0.5)·(in/out) − 0.5}, clamped at 0, and the right/bottom
 * neighbour is clamped to the last row/column.
 */
public final class BilinearUpsample {
  private final int h;
  private final int w;
  private final int outH;
  private final int outW;
  private final int[] y0;
  private final int[] y1;
  private final float[] ly;
  private final int[] x0;
  private final int[] x1;
  private final float[] lx;

  /** Precomputes the sampling grid from {@code h×w} to {@code outH×outW}. */
  public BilinearUpsample(int h, int w, int outH, int outW) {
    this.h = h;
    this.w = w;
    this.outH = outH;
    this.outW = outW;
    y0 = new int[outH];
    y1 = new int[outH];
    ly = new float[outH];
    grid(h, outH, y0, y1, ly);
    x0 = new int[outW];
    x1 = new int[outW];
    lx = new float[outW];
    grid(w, outW, x0, x1, lx);
  }

  private static void grid(int in, int out, int[] i0, int[] i1, float[] lambda) {
    float scale = (float) in / out;
    for (int d = 0; d < out; d++) {
      float src = Math.max(scale * (d + 0.5f) - 0.5f, 0f);
      int lo = Math.min((int) src, in - 1);
      i0[d] = lo;
      i1[d] = Math.min(lo + 1, in - 1);
      lambda[d] = src - lo;
    }
  }

  /** Upsamples {@code src[off .. off+h·w)} into {@code dst} ({@code outH·outW} floats). */
  public void apply(float[] src, int off, float[] dst) {
    // Separable: each source row resampled along x once, then rows blended along y. The same
    // products and sums as blending four neighbours per pixel, in the same order, so the same floats.
    float[] rows = new float[h * outW];
    for (int r = 0; r < h; r++) {
      int s = off + r * w;
      int o = r * outW;
      for (int x = 0; x < outW; x++) {
        float l = lx[x];
        rows[o + x] = (1f - l) * src[s + x0[x]] + l * src[s + x1[x]];
      }
    }
    for (int y = 0; y < outH; y++) {
      int t = y0[y] * outW;
      int u = y1[y] * outW;
      float b = ly[y];
      float a = 1f - b;
      int o = y * outW;
      for (int x = 0; x < outW; x++) {
        dst[o + x] = a * rows[t + x] + b * rows[u + x];
      }
    }
  }

  /** Upsamples a whole {@code h×w} map. */
  public float[] apply(float[] src) {
    if (src.length != h * w) {
      throw new IllegalArgumentException("expected " + h + "x" + w + " map, got " + src.length + " values");
    }
    float[] dst = new float[outH * outW];
    apply(src, 0, dst);
    return dst;
  }
}
