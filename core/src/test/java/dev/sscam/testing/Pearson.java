package dev.sscam.testing;

/** Pearson's correlation of two maps, for comparing sscam's maps with a reference's. */
public final class Pearson {
  private Pearson() {}

  /** {@code r = cov(a, b) / (σ_a σ_b)}, in double precision. */
  public static double r(float[] a, float[] b) {
    double ma = 0;
    double mb = 0;
    for (int i = 0; i < a.length; i++) {
      ma += a[i];
      mb += b[i];
    }
    ma /= a.length;
    mb /= b.length;
    double ab = 0;
    double aa = 0;
    double bb = 0;
    for (int i = 0; i < a.length; i++) {
      ab += (a[i] - ma) * (b[i] - mb);
      aa += (a[i] - ma) * (a[i] - ma);
      bb += (b[i] - mb) * (b[i] - mb);
    }
    return ab / Math.sqrt(aa * bb);
  }
}
