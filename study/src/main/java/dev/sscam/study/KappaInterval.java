package dev.sscam.study;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A percentile bootstrap interval of Fleiss' kappa ({@link FleissKappa}, multi-pick variant) over
 * participants: each resample draws the participants with replacement, keeps each drawn participant's
 * answers together, and counts a participant drawn twice as two raters. A resample in which every answer
 * falls in one category has no kappa ({@code P_e = 1}) and is left out; how many were kept is reported.
 * Seeded like the other intervals of the report, so a report is reproducible from its database.
 *
 * @param kappa κ of the full sample
 * @param low the 2.5th percentile of the resamples' κ (linear interpolation, as numpy's default)
 * @param high the 97.5th percentile
 * @param resamples B, resamples drawn
 * @param defined resamples that had a κ
 */
public record KappaInterval(double kappa, double low, double high, int resamples, int defined) {

  /**
   * The interval of κ for answers given as {@code byParticipant}: participant → their answers, each a
   * (trial, weights over the categories) pair.
   */
  static KappaInterval of(Map<Long, List<Map.Entry<Long, double[]>>> byParticipant, long seed, int resamples) {
    List<List<Map.Entry<Long, double[]>>> people = new ArrayList<>(byParticipant.values());
    int n = people.size();
    int[] identity = new int[n];
    Arrays.setAll(identity, i -> i);
    double point = n == 0 ? Double.NaN : kappa(people, identity);
    double[] stats = new double[resamples];
    int defined = 0;
    SplittableRandom random = new SplittableRandom(seed);
    int[] idx = new int[n];
    for (int r = 0; r < resamples && n > 0; r++) {
      for (int i = 0; i < n; i++) {
        idx[i] = random.nextInt(n);
      }
      double k = kappa(people, idx);
      if (!Double.isNaN(k)) {
        stats[defined++] = k;
      }
    }
    if (Double.isNaN(point) || defined == 0) {
      return new KappaInterval(point, Double.NaN, Double.NaN, resamples, defined);
    }
    double[] sorted = Arrays.copyOf(stats, defined);
    Arrays.sort(sorted);
    return new KappaInterval(point, percentile(sorted, 0.025), percentile(sorted, 0.975), resamples, defined);
  }

  private static double kappa(List<List<Map.Entry<Long, double[]>>> people, int[] drawn) {
    Map<Long, List<double[]>> byTrial = new LinkedHashMap<>();
    for (int i : drawn) {
      for (Map.Entry<Long, double[]> a : people.get(i)) {
        byTrial.computeIfAbsent(a.getKey(), t -> new ArrayList<>()).add(a.getValue());
      }
    }
    return FleissKappa.of(byTrial.values().stream().map(l -> l.toArray(new double[0][])).toList()).kappa();
  }

  // Hyndman–Fan type 7, as the report's other intervals (dev.sscam.metrics.Bootstrap).
  private static double percentile(double[] sorted, double q) {
    double h = (sorted.length - 1) * q;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }
}
