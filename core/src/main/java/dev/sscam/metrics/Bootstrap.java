package dev.sscam.metrics;

import dev.sscam.SscamException;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded percentile bootstrap 95% confidence intervals (Efron): resample the N images with
 * replacement B times, compute the statistic on each resample, and report the 2.5% and 97.5%
 * percentiles of the B values (linear interpolation between order statistics, numpy's default:
 * {@code q-th value = s[⌊h⌋] + (h − ⌊h⌋)(s[⌊h⌋+1] − s[⌊h⌋])}, {@code h = (B − 1)·q}).
 *
 * <p>Every call draws its resamples from a fresh {@code SplittableRandom(seed)} (index
 * {@code nextInt(N)}, N per resample, resample after resample), so the interval depends only on
 * the seed, B and the data, and two metrics summarised with the same seed and N use the very same
 * resamples (their intervals are paired). Paired statistics (differences, ratios) resample the
 * pairs together.
 */
public final class Bootstrap {
  /** Resamples by default. */
  public static final int DEFAULT_RESAMPLES = 2000;
  /** The fewest resamples allowed: fewer give unstable 2.5% tails. */
  public static final int MIN_RESAMPLES = 1000;

  private final long seed;
  private final int resamples;

  /** A bootstrap with {@value #DEFAULT_RESAMPLES} resamples. */
  public Bootstrap(long seed) {
    this(seed, DEFAULT_RESAMPLES);
  }

  /**
   * A bootstrap with {@code resamples} resamples (≥ {@value #MIN_RESAMPLES}).
   *
   * @param seed the random seed
   * @param resamples B
   */
  public Bootstrap(long seed, int resamples) {
    if (resamples < MIN_RESAMPLES) {
      throw new SscamException("bootstrap needs at least " + MIN_RESAMPLES + " resamples, got " + resamples);
    }
    this.seed = seed;
    this.resamples = resamples;
  }

  /** The seed. */
  public long seed() {
    return seed;
  }

  /** B, the number of resamples. */
  public int resamples() {
    return resamples;
  }

  /** A statistic of a sample given as indices into the data (with repeats, for a resample). */
  @FunctionalInterface
  public interface Statistic {
    /**
     * Computes the statistic on the sample {@code data[indices[0]], data[indices[1]], ...}.
     *
     * @param indices N indices into the caller's data; the identity 0..N−1 for the point estimate
     */
    double of(int[] indices);
  }

  /**
   * The mean of {@code values} and its interval: {@code x̄ = (1/N) Σ x_i}. Used for Average Drop,
   * Increase in Confidence and Win % (means of 0/100 indicators), AUCs and pointing game scores.
   */
  public MetricSummary mean(double[] values) {
    requireFinite("values", values);
    return summarize(values.length, idx -> shiftedMean(values, idx));
  }

  /**
   * The mean paired difference {@code (1/N) Σ (a_i − b_i)} and its interval; the pairs are
   * resampled together. An interval excluding 0 says A and B differ at about the 5% level.
   */
  public MetricSummary pairedDifference(double[] a, double[] b) {
    requireSameLength(a, b);
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i] - b[i];
    }
    return mean(d);
  }

  /**
   * A ratio of means {@code Σ numerator_i / Σ denominator_i}, pairs resampled together (e.g. a
   * relative change of two methods' mean AUC). A resample whose denominator sums to 0 is refused.
   */
  public MetricSummary ratioOfMeans(double[] numerator, double[] denominator) {
    requireSameLength(numerator, denominator);
    requireFinite("numerator", numerator);
    requireFinite("denominator", denominator);
    return summarize(numerator.length, idx -> {
      double num = 0;
      double den = 0;
      for (int i : idx) {
        num += numerator[i];
        den += denominator[i];
      }
      if (den == 0) {
        throw new SscamException("bootstrap ratio: a resample's denominator sums to 0");
      }
      return num / den;
    });
  }

  /**
   * Any statistic of N items: its value on the full sample, and the percentile interval of its B
   * resampled values.
   *
   * @param n N, the sample size (≥ 1)
   * @param statistic computes the statistic from indices into the caller's data
   */
  public MetricSummary summarize(int n, Statistic statistic) {
    return summarizeEach(n, 1, idx -> new double[] {statistic.of(idx)})[0];
  }

  /** Several statistics of one sample, computed together from the same indices. */
  @FunctionalInterface
  public interface Statistics {
    /** The k statistics on the sample {@code data[indices[0]], data[indices[1]], ...}. */
    double[] of(int[] indices);
  }

  /**
   * k statistics of N items over the same resamples, for statistics that share their work (each
   * method's rank needs every method's mean): element j is what {@link #summarize} gives for the
   * j-th statistic alone.
   *
   * @param n N, the sample size (≥ 1)
   * @param k how many statistics {@code statistics} returns
   */
  public MetricSummary[] summarizeEach(int n, int k, Statistics statistics) {
    if (n < 1) {
      throw new SscamException("bootstrap: no data");
    }
    int[] identity = new int[n];
    for (int i = 0; i < n; i++) {
      identity[i] = i;
    }
    double[] point = statistics.of(identity);
    SplittableRandom random = new SplittableRandom(seed);
    double[][] stats = new double[k][resamples];
    int[] idx = new int[n];
    for (int r = 0; r < resamples; r++) {
      for (int i = 0; i < n; i++) {
        idx[i] = random.nextInt(n);
      }
      double[] values = statistics.of(idx);
      for (int j = 0; j < k; j++) {
        stats[j][r] = finite(values[j]);
      }
    }
    MetricSummary[] out = new MetricSummary[k];
    for (int j = 0; j < k; j++) {
      Arrays.sort(stats[j]);
      out[j] = new MetricSummary(finite(point[j]), percentile(stats[j], 0.025), percentile(stats[j], 0.975), n);
    }
    return out;
  }

  /** Linear-interpolation percentile of sorted values (numpy's default, Hyndman–Fan type 7). */
  static double percentile(double[] sorted, double q) {
    double h = (sorted.length - 1) * q;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }

  // The mean shifted by the first value: exact for a constant sample (so its interval is exactly
  // [c, c]) and less rounding for large offsets.
  private static double shiftedMean(double[] values, int[] idx) {
    double shift = values[0];
    double sum = 0;
    for (int i : idx) {
      sum += values[i] - shift;
    }
    return shift + sum / idx.length;
  }

  private static double finite(double v) {
    if (!Double.isFinite(v)) {
      throw new SscamException("bootstrap: the statistic is " + v);
    }
    return v;
  }

  private static void requireFinite(String what, double[] values) {
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        throw new SscamException("bootstrap: " + what + "[" + i + "] is " + values[i]);
      }
    }
  }

  private static void requireSameLength(double[] a, double[] b) {
    if (a.length != b.length) {
      throw new SscamException("bootstrap: paired samples differ in length (" + a.length + " vs " + b.length + ")");
    }
  }
}
