package dev.sscam.image;

import java.awt.image.BufferedImage;

/**
 * Resizes an 8-bit RGB image exactly as Pillow (&ge; 7) does with {@code Image.resize((W, H),
 * Image.BILINEAR)}, which is what torchvision's {@code Resize((H, W))} runs on a PIL image.
 *
 * <p>Pillow resamples separably (libImaging/Resample.c): first every row (horizontal pass), then
 * every column of the result (vertical pass). For output index {@code i} along an axis of input
 * length {@code n} and output length {@code m}, with {@code scale = n / m} and {@code fs =
 * max(scale, 1)} (the filter is stretched by the shrink factor, i.e. it antialiases when
 * shrinking), the output is
 *
 * <pre>
 *   out[i] = clip8( ( 2^21 + &Sigma;_j in[j] &middot; K_i[j] ) &gt;&gt; 22 )
 *   K_i[j] = round( 2^22 &middot; t((j - c_i + 0.5) / fs) / &Sigma;_j' t((j' - c_i + 0.5) / fs) )
 *   c_i = (i + 0.5) &middot; scale,  t(x) = max(0, 1 - |x|)
 * </pre>
 *
 * over {@code j} in {@code [trunc(c_i - fs + 0.5), trunc(c_i + fs + 0.5))} clipped to {@code [0,
 * n)}. Each pass rounds and clips to uint8 ({@code PRECISION_BITS = 22} fixed-point weights), so
 * the vertical pass reads the already-rounded horizontal result. A pass whose axis length does not
 * change is skipped entirely (Pillow's {@code need_horizontal}/{@code need_vertical}), and an
 * unchanged size copies the image.
 */
public final class PilResize {
  /** Pillow's {@code PRECISION_BITS = 32 - 8 - 2}: fixed-point bits of the filter weights. */
  static final int PRECISION_BITS = 32 - 8 - 2;

  private PilResize() {}

  /**
   * Resizes {@code image} (any type; its RGB is taken through {@link BufferedImage#getRGB}) to
   * {@code width}&times;{@code height} with Pillow's bilinear filter; returns a new TYPE_INT_RGB
   * image.
   */
  public static BufferedImage bilinear(BufferedImage image, int width, int height) {
    int inW = image.getWidth();
    int inH = image.getHeight();
    int[] in = image.getRGB(0, 0, inW, inH, null, 0, inW);
    int[] out = bilinear(in, inW, inH, width, height);
    BufferedImage result = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    result.setRGB(0, 0, width, height, out, 0, width);
    return result;
  }

  /**
   * Resizes packed {@code 0xRRGGBB} pixels (row-major, {@code inW}&times;{@code inH}) to
   * {@code outW}&times;{@code outH}; bits above the 24 colour bits are ignored and zero in the
   * result.
   */
  public static int[] bilinear(int[] rgb, int inW, int inH, int outW, int outH) {
    if (inW <= 0 || inH <= 0 || outW <= 0 || outH <= 0) {
      throw new IllegalArgumentException(
          "sizes must be positive: " + inW + "x" + inH + " -> " + outW + "x" + outH);
    }
    if (rgb.length != inW * inH) {
      throw new IllegalArgumentException(
          "pixel array has " + rgb.length + " entries, expected " + inW + "x" + inH);
    }
    int[] current = new int[rgb.length];
    for (int i = 0; i < rgb.length; i++) {
      current[i] = rgb[i] & 0xFFFFFF;
    }
    int curW = inW;
    if (outW != inW) {
      current = horizontal(current, inW, inH, Coefficients.of(inW, outW));
      curW = outW;
    }
    if (outH != inH) {
      current = vertical(current, curW, inH, Coefficients.of(inH, outH));
    }
    return current;
  }

  private static int[] horizontal(int[] in, int inW, int h, Coefficients c) {
    int outW = c.outSize;
    int[] out = new int[outW * h];
    int half = 1 << (PRECISION_BITS - 1);
    for (int y = 0; y < h; y++) {
      int row = y * inW;
      for (int xx = 0; xx < outW; xx++) {
        int xmin = c.min[xx];
        int count = c.count[xx];
        int kOff = xx * c.ksize;
        int r = half;
        int g = half;
        int b = half;
        for (int x = 0; x < count; x++) {
          int p = in[row + xmin + x];
          int k = c.k[kOff + x];
          r += ((p >>> 16) & 0xFF) * k;
          g += ((p >>> 8) & 0xFF) * k;
          b += (p & 0xFF) * k;
        }
        out[y * outW + xx] = (clip8(r) << 16) | (clip8(g) << 8) | clip8(b);
      }
    }
    return out;
  }

  private static int[] vertical(int[] in, int w, int inH, Coefficients c) {
    int outH = c.outSize;
    int[] out = new int[w * outH];
    int half = 1 << (PRECISION_BITS - 1);
    for (int yy = 0; yy < outH; yy++) {
      int ymin = c.min[yy];
      int count = c.count[yy];
      int kOff = yy * c.ksize;
      for (int x = 0; x < w; x++) {
        int r = half;
        int g = half;
        int b = half;
        for (int y = 0; y < count; y++) {
          int p = in[(ymin + y) * w + x];
          int k = c.k[kOff + y];
          r += ((p >>> 16) & 0xFF) * k;
          g += ((p >>> 8) & 0xFF) * k;
          b += (p & 0xFF) * k;
        }
        out[yy * w + x] = (clip8(r) << 16) | (clip8(g) << 8) | clip8(b);
      }
    }
    return out;
  }

  /** Pillow's {@code clip8}: drop the fixed-point bits (arithmetic shift), clamp to 0..255. */
  private static int clip8(int acc) {
    int v = acc >> PRECISION_BITS;
    return v < 0 ? 0 : Math.min(v, 255);
  }

  /** The triangle (bilinear) filter {@code t(x) = max(0, 1 - |x|)}, support 1. */
  static double triangle(double x) {
    if (x < 0.0) {
      x = -x;
    }
    return x < 1.0 ? 1.0 - x : 0.0;
  }

  /**
   * Per-output-index source window and fixed-point weights along one axis: Pillow's
   * {@code precompute_coeffs} followed by {@code normalize_coeffs_8bpc}.
   */
  static final class Coefficients {
    final int outSize;
    final int ksize;
    /** First source index of output i's window. */
    final int[] min;
    /** Number of source indices in output i's window. */
    final int[] count;
    /** Fixed-point weights, {@code ksize} per output index. */
    final int[] k;
    /** The normalised double weights before fixed-point rounding (for tests). */
    final double[] weights;

    private Coefficients(int outSize, int ksize, int[] min, int[] count, int[] k, double[] w) {
      this.outSize = outSize;
      this.ksize = ksize;
      this.min = min;
      this.count = count;
      this.k = k;
      this.weights = w;
    }

    static Coefficients of(int inSize, int outSize) {
      // Pillow passes the box as C floats; (float) keeps the same arithmetic for huge sizes.
      float in0 = 0f;
      float in1 = inSize;
      double scale = (double) (in1 - in0) / outSize;
      double filterscale = Math.max(scale, 1.0);
      double support = 1.0 * filterscale;
      int ksize = (int) Math.ceil(support) * 2 + 1;
      int[] min = new int[outSize];
      int[] count = new int[outSize];
      double[] w = new double[outSize * ksize];
      int[] k = new int[outSize * ksize];
      for (int xx = 0; xx < outSize; xx++) {
        double center = in0 + (xx + 0.5) * scale;
        double ss = 1.0 / filterscale;
        // C's (int) cast truncates toward zero, as Java's does.
        int xmin = (int) (center - support + 0.5);
        if (xmin < 0) {
          xmin = 0;
        }
        int xmax = (int) (center + support + 0.5);
        if (xmax > inSize) {
          xmax = inSize;
        }
        xmax -= xmin;
        double ww = 0.0;
        int off = xx * ksize;
        for (int x = 0; x < xmax; x++) {
          double v = triangle((x + xmin - center + 0.5) * ss);
          w[off + x] = v;
          ww += v;
        }
        for (int x = 0; x < xmax; x++) {
          if (ww != 0.0) {
            w[off + x] /= ww;
          }
        }
        for (int x = 0; x < ksize; x++) {
          double v = w[off + x];
          k[off + x] =
              v < 0
                  ? (int) (-0.5 + v * (1 << PRECISION_BITS))
                  : (int) (0.5 + v * (1 << PRECISION_BITS));
        }
        min[xx] = xmin;
        count[xx] = xmax;
      }
      return new Coefficients(outSize, ksize, min, count, k, w);
    }
  }
}
