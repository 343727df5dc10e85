package dev.sscam.metrics;

import dev.sscam.SscamException;
import java.util.Arrays;
import org.apache.commons.math3.special.Erf;

/**
 * The Wilcoxon signed-rank test of paired per-image values (two-sided): do methods A and B differ
 * on the same images?
 *
 * <p>With {@code d_i = a_i − b_i}: zero differences are dropped (Wilcoxon's original rule,
 * scipy's default {@code zero_method="wilcox"}), leaving n pairs; {@code |d_i|} are ranked 1..n,
 * ties sharing their average rank; {@code W+ = Σ_{d_i > 0} rank_i}.
 *
 * <ul>
 *   <li>n = 0 (every pair equal, including all-equal input): no evidence of a difference,
 *       {@code p = 1}, flagged by {@link Result#nonZeroPairs()} = 0; never an exception.
 *   <li>n ≤ {@value #EXACT_MAX_N} without ties among {@code |d_i|}: the exact null distribution of
 *       {@code W+} (each sign ± with probability ½), counted by dynamic programming over the ranks;
 *       {@code p = min(1, 2·P(W+ ≥ max(W+, W−)))}.
 *   <li>otherwise the normal approximation: mean {@code n(n+1)/4}, variance
 *       {@code n(n+1)(2n+1)/24 − Σ_t (t³ − t)/48} over tie groups of size t, continuity correction ½:
 *       {@code z = max(0, |W+ − n(n+1)/4| − ½)/σ}, {@code p = erfc(z/√2)}.
 * </ul>
 *
 * (commons-math3's {@code WilcoxonSignedRankTest} ranks zeros rather than dropping them, has no tie
 * correction, and enumerates 2^n sign patterns for its exact p-value, so sscam computes its own.)
 */
public final class PairedTest {
  /** The largest n for which the exact distribution is used (as scipy). */
  public static final int EXACT_MAX_N = 50;

  private PairedTest() {}

  /**
   * A test's outcome.
   *
   * @param pValue the two-sided p-value in (0, 1]
   * @param wPlus the statistic {@code W+}, the rank sum of positive differences
   * @param nonZeroPairs n, the number of pairs with a non-zero difference
   * @param exact whether the p-value is exact (else the normal approximation)
   */
  public record Result(double pValue, double wPlus, int nonZeroPairs, boolean exact) {}

  /** Tests the paired samples {@code a_i}, {@code b_i} (same images, same order). */
  public static Result wilcoxon(double[] a, double[] b) {
    if (a.length != b.length) {
      throw new SscamException("Wilcoxon test: paired samples differ in length (" + a.length + " vs " + b.length + ")");
    }
    double[] d = new double[a.length];
    int n = 0;
    for (int i = 0; i < a.length; i++) {
      double diff = a[i] - b[i];
      if (!Double.isFinite(diff)) {
        throw new SscamException("Wilcoxon test: pair " + i + " is not finite (" + a[i] + ", " + b[i] + ")");
      }
      if (diff != 0) {
        d[n++] = diff;
      }
    }
    if (n == 0) {
      return new Result(1.0, 0, 0, true);
    }
    d = Arrays.copyOf(d, n);
    Integer[] byMagnitude = new Integer[n];
    for (int i = 0; i < n; i++) {
      byMagnitude[i] = i;
    }
    final double[] dd = d;
    Arrays.sort(byMagnitude, (i, j) -> Double.compare(Math.abs(dd[i]), Math.abs(dd[j])));
    double wPlus = 0;
    double tieTerm = 0;
    boolean ties = false;
    for (int start = 0; start < n; ) {
      int end = start;
      while (end + 1 < n && Math.abs(d[byMagnitude[end + 1]]) == Math.abs(d[byMagnitude[start]])) {
        end++;
      }
      double rank = (start + end) / 2.0 + 1; // average of ranks start+1 .. end+1
      for (int k = start; k <= end; k++) {
        if (d[byMagnitude[k]] > 0) {
          wPlus += rank;
        }
      }
      int t = end - start + 1;
      if (t > 1) {
        ties = true;
        tieTerm += (double) t * t * t - t;
      }
      start = end + 1;
    }
    double total = n * (n + 1) / 2.0;
    if (n <= EXACT_MAX_N && !ties) {
      double wMax = Math.max(wPlus, total - wPlus);
      return new Result(Math.min(1.0, 2 * upperTail(n, (int) wMax)), wPlus, n, true);
    }
    double mean = total / 2;
    double variance = n * (n + 1.0) * (2 * n + 1) / 24 - tieTerm / 48;
    double z = Math.max(0, Math.abs(wPlus - mean) - 0.5) / Math.sqrt(variance);
    return new Result(Math.min(1.0, Erf.erfc(z / Math.sqrt(2))), wPlus, n, false);
  }

  /** {@code P(W+ ≥ w)} under the null for n untied ranks: subsets of {1..n} with sum ≥ w, over 2^n. */
  static double upperTail(int n, int w) {
    int max = n * (n + 1) / 2;
    double[] count = new double[max + 1]; // count[s] = number of subsets with rank sum s
    count[0] = 1;
    for (int r = 1; r <= n; r++) {
      for (int s = max; s >= r; s--) {
        count[s] += count[s - r];
      }
    }
    double tail = 0;
    for (int s = Math.max(0, w); s <= max; s++) {
      tail += count[s];
    }
    return tail / Math.pow(2, n);
  }
}
