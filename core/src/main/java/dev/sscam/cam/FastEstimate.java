package dev.sscam.cam;

/**
 * What a fast map spent and how far from the exact map it is estimated to be ({@link FastMode}).
 *
 * @param tolerance the tolerance asked for
 * @param passes forward passes spent on the channel weights (counted as the exact method counts them)
 * @param exactPasses forward passes the exact method spends on the same image
 * @param estimatedError estimated RMS difference between this map's {@code E} and the exact map's
 */
public record FastEstimate(double tolerance, long passes, long exactPasses, double estimatedError) {
  /** {@code passes / exactPasses}. */
  public double passRatio() {
    return exactPasses == 0 ? 1 : (double) passes / exactPasses;
  }

  /** A one-line description for titles and logs: {@code fast: 512/5121 passes, est. RMS error 0.012}. */
  public String describe() {
    return String.format(java.util.Locale.ROOT, "fast: %d/%d passes, est. RMS error %.3f (tolerance %.3g)", passes,
        exactPasses, estimatedError, tolerance);
  }
}
