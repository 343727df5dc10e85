package dev.sscam.cam;

/**
 * How channel weights {@code α_k} enter the map {@code L = ReLU(Σ_k α_k A_k)} (PAPER.md, option
 * {@code channel-weights}). It concerns score weights only (Score-CAM, SS-CAM; see
 * {@link CamMethod#weighsByScores()}): torchcam softmaxes those and no gradient weights.
 */
public enum ChannelWeighting {
  /** The paper's equations: {@code α_k} as computed. */
  RAW,
  /** torchcam's reading of Score-CAM and SS-CAM: {@code softmax_k(α_k)}. */
  SOFTMAX;

  /** Parses {@code raw} or {@code softmax}. */
  public static ChannelWeighting parse(String s) {
    return switch (s.toLowerCase(java.util.Locale.ROOT)) {
      case "raw" -> RAW;
      case "softmax" -> SOFTMAX;
      default -> throw new dev.sscam.SscamException("unknown channel weights '" + s + "' (expected raw or softmax)");
    };
  }
}
