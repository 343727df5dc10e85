package dev.sscam.metrics;

import dev.sscam.SscamException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each method ranks among the methods compared on one metric, with a bootstrap interval of
 * its rank: "SS-CAM is 3rd of 14 on Average Drop, somewhere between 2nd and 5th".
 *
 * <p>The rank is competition ranking of the methods' means over the same images:
 * {@code rank(m) = 1 + #{m' : x̄_m' better than x̄_m}} (ties share the better rank). Its interval
 * resamples the images with replacement, all methods together (the images are the unit, so the
 * resample keeps each image's values paired), ranks the resampled means, and takes the 2.5% and
 * 97.5% percentiles of each method's B ranks ({@link Bootstrap#summarizeEach}: the same resamples
 * for every method, each resample's means computed once), widened to whole ranks. A method whose interval is [1, 1] is best in at least 97.5%
 * of the resamples; two methods whose intervals overlap are not told apart by these images.
 */
public final class MethodRanks {
  /** Which way a metric is better. */
  public enum Better {
    /** Smaller is better (Average Drop, Deletion AUC). */
    LOWER,
    /** Larger is better (Increase in Confidence, Insertion AUC, pointing game). */
    HIGHER
  }

  /**
   * One method's rank.
   *
   * @param rank 1 for the best mean
   * @param low the interval's best rank
   * @param high the interval's worst rank
   * @param of how many methods were ranked
   */
  public record Rank(int rank, int low, int high, int of) {
    /** {@code 3 [2–5]}. */
    @Override
    public String toString() {
      return low == high ? rank + " [" + low + "]" : rank + " [" + low + "–" + high + "]";
    }
  }

  private MethodRanks() {}

  /**
   * Ranks the methods.
   *
   * @param values per method (in report order), its value on each image; every array has the same
   *     length N, item i being the same image for every method
   * @param better which way the metric is better
   * @param bootstrap the seeded resampler
   * @return per method, its rank and interval
   */
  public static Map<String, Rank> of(Map<String, double[]> values, Better better, Bootstrap bootstrap) {
    if (values.isEmpty()) {
      throw new SscamException("ranks: no methods");
    }
    List<String> methods = List.copyOf(values.keySet());
    double[][] x = new double[methods.size()][];
    for (int m = 0; m < x.length; m++) {
      x[m] = values.get(methods.get(m));
      if (x[m].length != x[0].length) {
        throw new SscamException("ranks: " + methods.get(m) + " has " + x[m].length + " images, "
            + methods.get(0) + " has " + x[0].length);
      }
      for (double v : x[m]) {
        if (!Double.isFinite(v)) {
          throw new SscamException("ranks: " + methods.get(m) + " has a value " + v);
        }
      }
    }
    double sign = better == Better.LOWER ? 1 : -1;
    MetricSummary[] s = bootstrap.summarizeEach(x[0].length, x.length, idx -> ranks(x, idx, sign));
    Map<String, Rank> out = new LinkedHashMap<>();
    for (int m = 0; m < x.length; m++) {
      out.put(methods.get(m), new Rank((int) s[m].mean(), (int) Math.floor(s[m].ciLow()),
          (int) Math.ceil(s[m].ciHigh()), x.length));
    }
    return out;
  }

  /** Every method's competition rank among the means over the images {@code idx}. */
  private static double[] ranks(double[][] x, int[] idx, double sign) {
    double[] means = new double[x.length];
    for (int m = 0; m < x.length; m++) {
      means[m] = sign * mean(x[m], idx);
    }
    double[] ranks = new double[x.length];
    for (int m = 0; m < x.length; m++) {
      int better = 0;
      for (int o = 0; o < x.length; o++) {
        if (o != m && means[o] < means[m]) {
          better++;
        }
      }
      ranks[m] = 1 + better;
    }
    return ranks;
  }

  private static double mean(double[] v, int[] idx) {
    double sum = 0;
    for (int i : idx) {
      sum += v[i];
    }
    return sum / idx.length;
  }
}
