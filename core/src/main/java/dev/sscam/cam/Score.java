package dev.sscam.cam;

/**
 * The class score {@code s_c(X)} that score-based methods and metrics read from the logits.
 * PAPER.md, Notation: {@code probability} (softmax over classes; the paper's reading, default) or
 * {@code logit} (torchcam's reading).
 */
public enum Score {
  /** {@code s_c = softmax(z)_c}. */
  PROBABILITY,
  /** {@code s_c = z_c}. */
  LOGIT;

  /** {@code s_c} of one logit vector, computed in double with the max subtracted for stability. */
  public double of(float[] logits, int c) {
    if (this == LOGIT) {
      return logits[c];
    }
    return softmax(logits, c);
  }

  /** {@code softmax(z)_c = exp(z_c − max z) / Σ_j exp(z_j − max z)}. */
  public static double softmax(float[] z, int c) {
    double max = max(z);
    return Math.exp(z[c] - max) / sumExp(z, max);
  }

  /** The whole vector {@code softmax(z)} (e.g. over channel weights), each entry as {@link #softmax(float[], int)}. */
  public static float[] softmax(float[] z) {
    double max = max(z);
    double sum = sumExp(z, max);
    float[] out = new float[z.length];
    for (int k = 0; k < z.length; k++) {
      out[k] = (float) (Math.exp(z[k] - max) / sum);
    }
    return out;
  }

  private static double max(float[] z) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : z) {
      max = Math.max(max, v);
    }
    return max;
  }

  private static double sumExp(float[] z, double max) {
    double sum = 0;
    for (float v : z) {
      sum += Math.exp(v - max);
    }
    return sum;
  }

  /** Parses {@code probability} or {@code logit}. */
  public static Score parse(String s) {
    return switch (s.toLowerCase(java.util.Locale.ROOT)) {
      case "probability", "prob", "softmax" -> PROBABILITY;
      case "logit", "logits" -> LOGIT;
      default -> throw new dev.sscam.SscamException("unknown score '" + s + "' (expected probability or logit)");
    };
  }
}
