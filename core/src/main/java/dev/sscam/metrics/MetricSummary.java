package dev.sscam.metrics;

/**
 * A reported figure: the statistic on the whole sample and its percentile bootstrap 95% interval.
 *
 * @param mean the statistic computed on the full sample (for most metrics, the mean over images)
 * @param ciLow the 2.5% percentile of the bootstrap distribution
 * @param ciHigh the 97.5% percentile of the bootstrap distribution
 * @param n the number of images (pairs, for paired statistics) the figure rests on
 */
public record MetricSummary(double mean, double ciLow, double ciHigh, int n) {

  /** Half the interval's width, for "mean ± x" displays. */
  public double halfWidth() {
    return (ciHigh - ciLow) / 2;
  }

  /** {@code mean [low, high] (n=...)} with the given number of decimals. */
  public String format(int decimals) {
    String f = "%." + decimals + "f";
    return String.format(java.util.Locale.ROOT, f + " [" + f + ", " + f + "] (n=%d)", mean, ciLow, ciHigh, n);
  }
}
