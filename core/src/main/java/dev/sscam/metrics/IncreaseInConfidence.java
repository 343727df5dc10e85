package dev.sscam.metrics;

/**
 * Average Increase in Confidence % (Chattopadhay et al.): the share of images whose class score
 * rises when the image is masked by its explanation map.
 *
 * <pre>
 *   increase_i = 100 · 1[Y_i &lt; O_i]          Increase % = (1/N) Σ_i increase_i
 * </pre>
 *
 * A tie ({@code Y_i = O_i}) is not an increase. Higher is better.
 */
public final class IncreaseInConfidence {
  private IncreaseInConfidence() {}

  /** The per-image indicators {@code increase_i}, each 0 or 100 (so their mean is the %). */
  public static double[] perImage(double[] y, double[] o) {
    ConfidenceScores.requirePaired("increase in confidence", y, o);
    double[] inc = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      inc[i] = y[i] < o[i] ? 100.0 : 0.0;
    }
    return inc;
  }

  /** Increase in Confidence % = mean of {@link #perImage}. */
  public static double of(double[] y, double[] o) {
    return ConfidenceScores.mean(perImage(y, o));
  }
}
