package dev.sscam.metrics;

import dev.sscam.SscamException;

/**
 * A deletion or insertion curve (RISE's causal metrics): the class probability after each step,
 * from step 0 (nothing changed yet) to the last (every pixel deleted or inserted).
 *
 * @param probabilities {@code p_0 .. p_{n−1}}, {@code n = ceil(H·W / step) + 1 ≥ 2}
 * @param step how many pixels each step changes
 */
public record CausalCurve(double[] probabilities, int step) {

  /** Validates there are at least two points. */
  public CausalCurve {
    if (probabilities.length < 2) {
      throw new SscamException("a causal curve needs at least 2 points, got " + probabilities.length);
    }
    probabilities = probabilities.clone();
  }

  /** The curve's points (a copy). */
  @Override
  public double[] probabilities() {
    return probabilities.clone();
  }

  /** The number of points n. */
  public int length() {
    return probabilities.length;
  }

  /**
   * The trapezoid area under the curve over an x axis normalised to [0, 1] (point k at
   * {@code x = k/(n−1)}):
   *
   * <pre>  AUC = (Σ_k p_k − (p_0 + p_{n−1})/2) / (n − 1)  </pre>
   *
   * In [0, 1] for probabilities. The last step may change fewer than {@code step} pixels; like
   * RISE's code, sscam still spaces the points evenly.
   */
  public double auc() {
    int n = probabilities.length;
    double sum = 0;
    for (double p : probabilities) {
      sum += p;
    }
    return (sum - (probabilities[0] + probabilities[n - 1]) / 2) / (n - 1);
  }

  /** {@link #auc()} in %. */
  public double aucPercent() {
    return 100 * auc();
  }
}
