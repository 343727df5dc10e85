package dev.sscam.study;

import java.util.List;

/**
 * Fleiss' kappa (Fleiss 1971) for agreement between many raters: subjects i (the study's trials), raters
 * (participants), categories j (each method and "not sure"). With {@code n_i} raters of subject i and
 * {@code n_ij} of them choosing j:
 *
 * <pre>
 *   P_i = (Σ_j n_ij² − n_i) / (n_i (n_i − 1)),   P̄ = mean_i P_i,
 *   p_j = Σ_i n_ij / Σ_i n_i,   P_e = Σ_j p_j²,   κ = (P̄ − P_e) / (1 − P_e).
 * </pre>
 *
 * <p>A rater who picks several maps gives each the share 1/k (the answer normalised to 1, as in Table IV):
 * {@code n_ij} sums those shares and {@code n_i} in the numerator of {@code P_i} becomes
 * {@code Σ_r Σ_j w_rj²}, so that {@code P_i} is the chance that two different raters, each drawing one of
 * their picks at random, agree. With one pick per rater this is Fleiss' formula exactly. Subjects with
 * fewer than two raters say nothing about agreement and are left out; raters per subject may differ (the
 * usual generalisation, with P̄ the unweighted mean over subjects).
 */
public final class FleissKappa {
  /** κ with its parts. */
  public record Result(double kappa, double observed, double expected, int subjects) {}

  private FleissKappa() {}

  /** κ from the classic table: {@code counts[i][j]} raters put subject i in category j (one pick each). */
  public static Result fromCounts(int[][] counts) {
    double[][][] raters = new double[counts.length][][];
    for (int i = 0; i < counts.length; i++) {
      int n = 0;
      for (int c : counts[i]) {
        n += c;
      }
      raters[i] = new double[n][];
      int r = 0;
      for (int j = 0; j < counts[i].length; j++) {
        for (int k = 0; k < counts[i][j]; k++) {
          raters[i][r] = new double[counts[i].length];
          raters[i][r++][j] = 1;
        }
      }
    }
    return of(List.of(raters));
  }

  /**
   * κ from each subject's raters' answers: {@code subjects.get(i)[r][j]} is rater r's weight on category j
   * for subject i (each row sums to 1). NaN κ when no subject has two raters or everyone always chose one
   * and the same category ({@code P_e = 1}).
   */
  public static Result of(List<double[][]> subjects) {
    int categories = 0;
    for (double[][] s : subjects) {
      for (double[] w : s) {
        categories = Math.max(categories, w.length);
      }
    }
    double[] totals = new double[categories];
    double sumP = 0;
    double raterTotal = 0;
    int used = 0;
    for (double[][] s : subjects) {
      int n = s.length;
      if (n < 2) {
        continue;
      }
      double[] nij = new double[categories];
      double self = 0;
      for (double[] w : s) {
        for (int j = 0; j < w.length; j++) {
          nij[j] += w[j];
          self += w[j] * w[j];
        }
      }
      double squares = 0;
      for (int j = 0; j < categories; j++) {
        squares += nij[j] * nij[j];
        totals[j] += nij[j];
      }
      sumP += (squares - self) / ((double) n * (n - 1));
      raterTotal += n;
      used++;
    }
    if (used == 0) {
      return new Result(Double.NaN, Double.NaN, Double.NaN, 0);
    }
    double observed = sumP / used;
    double expected = 0;
    for (double t : totals) {
      expected += (t / raterTotal) * (t / raterTotal);
    }
    double kappa = expected >= 1 ? Double.NaN : (observed - expected) / (1 - expected);
    return new Result(kappa, observed, expected, used);
  }
}
