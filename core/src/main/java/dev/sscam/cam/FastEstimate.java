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

  /**
   * The fast-mode spending of maps combined into one (layers fused, augmentations averaged): passes
   * summed, the largest of their error estimates (the combined map's own error is not estimated);
   * null when none is fast.
   */
  static FastEstimate combined(java.util.List<SaliencyMap> maps) {
    FastEstimate out = null;
    for (SaliencyMap m : maps) {
      FastEstimate f = m.provenance().fast();
      if (f != null) {
        out = out == null ? f : new FastEstimate(f.tolerance(), out.passes() + f.passes(),
            out.exactPasses() + f.exactPasses(), Math.max(out.estimatedError(), f.estimatedError()));
      }
    }
    return out;
  }
}
