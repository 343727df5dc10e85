package dev.sscam.study;

import org.apache.commons.math3.distribution.ChiSquaredDistribution;

/**
 * Pearson's chi-squared goodness-of-fit test of observed totals against equal shares:
 * {@code X² = Σ_k (O_k − E)² / E} with {@code E = Σ O / K}, p from χ² with K − 1 degrees of freedom.
 * The totals here are sums of normalised answers (fractions), and one participant's answers are not
 * independent of each other, so p is approximate; the bootstrap intervals over participants are the
 * robust reading.
 */
public record UniformityTest(double chiSquared, int degreesOfFreedom, double pValue) {

  /** The test on {@code observed} (K ≥ 2 categories, positive total). */
  public static UniformityTest of(double[] observed) {
    int k = observed.length;
    double total = 0;
    for (double o : observed) {
      total += o;
    }
    if (k < 2 || !(total > 0)) {
      return new UniformityTest(Double.NaN, Math.max(0, k - 1), Double.NaN);
    }
    double e = total / k;
    double x2 = 0;
    for (double o : observed) {
      x2 += (o - e) * (o - e) / e;
    }
    double p = 1 - new ChiSquaredDistribution(k - 1).cumulativeProbability(x2);
    return new UniformityTest(x2, k - 1, p);
  }
}
