package dev.sscam.render;

/**
 * Matplotlib's {@code jet} colormap, reproduced exactly: its {@code _jet_data} segments
 * (piecewise-linear in each channel) sampled into matplotlib's 256-entry lookup table, and
 * indexed the way {@code Colormap.__call__} does it: {@code i = floor(v · 256)}, {@code v = 1 → 255},
 * values outside [0, 1] clamp to the end colours.
 *
 * <pre>
 * red:   (0, 0) (0.35, 0) (0.66, 1) (0.89, 1) (1, 0.5)
 * green: (0, 0) (0.125, 0) (0.375, 1) (0.64, 1) (0.91, 0) (1, 0)
 * blue:  (0, 0.5) (0.11, 1) (0.34, 1) (0.65, 0) (1, 0)
 * LUT[i] = segments(i / 255),  i = 0..255
 * </pre>
 */
public final class Colormap {
  private static final double[][] RED = {{0, 0}, {0.35, 0}, {0.66, 1}, {0.89, 1}, {1, 0.5}};
  private static final double[][] GREEN =
      {{0, 0}, {0.125, 0}, {0.375, 1}, {0.64, 1}, {0.91, 0}, {1, 0}};
  private static final double[][] BLUE = {{0, 0.5}, {0.11, 1}, {0.34, 1}, {0.65, 0}, {1, 0}};
  private static final int N = 256;
  private static final double[][] LUT = new double[N][];
  /** LUT packed as {@link #jet} returns it (an overlay looks up every pixel). */
  private static final int[] PACKED = new int[N];

  static {
    for (int i = 0; i < N; i++) {
      double x = i / (double) (N - 1);
      double[] c = {segment(RED, x), segment(GREEN, x), segment(BLUE, x)};
      LUT[i] = c;
      PACKED[i] = ((int) (c[0] * 255) << 16) | ((int) (c[1] * 255) << 8) | (int) (c[2] * 255);
    }
  }

  private Colormap() {}

  private static double segment(double[][] points, double x) {
    for (int k = 1; k < points.length; k++) {
      if (x <= points[k][0]) {
        double x0 = points[k - 1][0];
        double x1 = points[k][0];
        double t = (x - x0) / (x1 - x0);
        return points[k - 1][1] + t * (points[k][1] - points[k - 1][1]);
      }
    }
    return points[points.length - 1][1];
  }

  /** jet(v) as (r, g, b) in [0, 1], matplotlib's float output; NaN is rejected. */
  public static double[] jetComponents(double v) {
    return LUT[index(v)].clone();
  }

  private static int index(double v) {
    if (Double.isNaN(v)) {
      throw new IllegalArgumentException("colormap value is NaN");
    }
    return v >= 1.0 ? N - 1 : v <= 0.0 ? 0 : (int) (v * N);
  }

  /**
   * jet(v) as packed {@code 0xRRGGBB}, each channel {@code (int)(c · 255)} like matplotlib's
   * {@code bytes=True} output (which truncates).
   */
  public static int jet(double v) {
    return PACKED[index(v)];
  }
}
