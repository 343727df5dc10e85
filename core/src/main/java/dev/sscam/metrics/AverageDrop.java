package dev.sscam.metrics;

import dev.sscam.SscamException;

/**
 * Average Drop % (Chattopadhay et al., Grad-CAM++): how much of the class score survives when the
 * image is masked by its own explanation map.
 *
 * <pre>
 *   drop_i = 100 · max(0, Y_i − O_i) / Y_i          Average Drop % = (1/N) Σ_i drop_i
 * </pre>
 *
 * with {@code Y_i = s_c(X0_i)} and {@code O_i = s_c(X0_i ∘ E_i)}. Lower is better. The scores must
 * be probabilities (or any positive score): {@code Y_i ≤ 0} is refused, since the ratio then has
 * no meaning.
 */
public final class AverageDrop {
  private AverageDrop() {}

  /** The per-image drops {@code drop_i} in %, each in [0, 100] for probabilities; for the bootstrap. */
  public static double[] perImage(double[] y, double[] o) {
    ConfidenceScores.requirePaired("average drop", y, o);
    double[] drop = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      if (y[i] <= 0) {
        throw new SscamException("average drop: image " + i + " has original score Y=" + y[i]
            + "; the metric needs positive scores (use probability scores, not logits)");
      }
      drop[i] = 100.0 * Math.max(0.0, y[i] - o[i]) / y[i];
    }
    return drop;
  }

  /** Average Drop % = mean of {@link #perImage}. */
  public static double of(double[] y, double[] o) {
    return ConfidenceScores.mean(perImage(y, o));
  }
}
