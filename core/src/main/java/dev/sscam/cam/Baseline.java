package dev.sscam.cam;

/**
 * Whether score weights are an increase over the baseline score (PAPER.md, option {@code baseline}).
 * The printed equations subtract {@code s_c(X_b)}, {@code X_b = 0}; the authors' released code does not.
 */
public enum Baseline {
  /** {@code α_k = s_c(·) − s_c(X_b)} (the equations as printed; torchcam's softmax makes it moot). */
  SUBTRACT,
  /** {@code α_k = s_c(·)} (the authors' code). */
  NONE;

  /** Parses {@code subtract} or {@code none}. */
  public static Baseline parse(String s) {
    return ReadingOption.parse(Baseline.class, "baseline", s);
  }
}
