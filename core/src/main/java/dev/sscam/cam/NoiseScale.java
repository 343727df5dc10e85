package dev.sscam.cam;

/**
 * The standard deviation of SS-CAM's noise {@code ε} for a tensor {@code x} it is added to (PAPER.md,
 * option {@code noise-scale}).
 */
public enum NoiseScale {
  /** std {@code σ}, in the units of {@code x} (the equations as printed, torchcam). */
  ABSOLUTE,
  /**
   * std {@code σ_x²} with {@code σ_x = σ / (max x − min x)} over the whole tensor (the authors' code,
   * which passes {@code σ_x**2} as {@code normal_}'s std). Undefined for a constant {@code x}, so such
   * channels are skipped with {@code α_k = 0}, as the code does.
   */
  RANGE_SQUARED,
  /**
   * std {@code σ_x = σ / (max x − min x)}, not squared: the scale the authors' code computes before
   * squaring it. Not any preset's; it exists to show (and test) that the squaring matters.
   */
  RANGE;

  /**
   * The noise std for a tensor whose values span {@code range = max x − min x}. Under
   * {@link #RANGE_SQUARED} a tensor with no range (e.g. {@code X0 ∘ H_k} of an all-zero input) gets
   * no noise rather than an infinite std.
   */
  public double std(double sigma, double range) {
    if (this == ABSOLUTE) {
      return sigma;
    }
    if (!(range > 0)) {
      return 0;
    }
    return this == RANGE ? sigma / range : (sigma / range) * (sigma / range);
  }

  /** Parses {@code absolute}, {@code range-squared} or {@code range}. */
  public static NoiseScale parse(String s) {
    return ReadingOption.parse(NoiseScale.class, "noise-scale", s);
  }
}
