package dev.sscam.cam;

/**
 * Where a score-based map takes its ReLU (PAPER.md, option {@code sum-at}). {@code U} is linear, so
 * {@code Σ_k α_k U(A_k) = U(Σ_k α_k A_k)}; the readings differ in whether the ReLU comes before or
 * after upsampling. Gradient methods always use {@link #FEATURE}.
 */
public enum SumAt {
  /** {@code E = s(U(ReLU(Σ_k α_k A_k)))} (the equations as printed, torchcam). */
  FEATURE,
  /** {@code E = s(ReLU(Σ_k α_k U(A_k)))}, summed at input resolution (the authors' code). */
  INPUT;

  /** Parses {@code feature} or {@code input}. */
  public static SumAt parse(String s) {
    return ReadingOption.parse(SumAt.class, "sum-at", s);
  }
}
