package dev.sscam.cam;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;

/**
 * {@link GaussianNoise} against the standard normal law itself: moments, the Kolmogorov–Smirnov
 * distance to Φ, the mass in the ziggurat's tail and in its wedges, independence of neighbours (two
 * numbers come from one random word) and of streams with neighbouring seeds.
 */
class GaussianNoiseTest {
  private static final int N = 4_000_000;
  private static final NormalDistribution PHI = new NormalDistribution(0, 1);

  private static float[] draw(long seed, int n) {
    float[] x = new float[n];
    new GaussianNoise(seed).fill(x, 0, n);
    return x;
  }

  @Test
  void momentsAreThoseOfTheStandardNormal() {
    float[] x = draw(2020, N);
    double m1 = 0;
    double m2 = 0;
    double m3 = 0;
    double m4 = 0;
    for (float v : x) {
      m1 += v;
      m2 += (double) v * v;
      m3 += (double) v * v * v;
      m4 += (double) v * v * v * v;
    }
    m1 /= N;
    m2 /= N;
    m3 /= N;
    m4 /= N;
    // standard errors at N = 4e6: mean 5e-4, E x² 7e-4, E x³ 1.2e-3, E x⁴ 4.9e-3; bounds at 5 of them
    assertThat(m1).isBetween(-0.0025, 0.0025);
    assertThat(m2).isBetween(1 - 0.0036, 1 + 0.0036);
    assertThat(m3).isBetween(-0.006, 0.006);
    assertThat(m4).isBetween(3 - 0.025, 3 + 0.025);
  }

  @Test
  void theEmpiricalDistributionIsWithinTheKolmogorovSmirnovBoundOfPhi() {
    int n = 1_000_000;
    float[] x = draw(7, n);
    java.util.Arrays.sort(x);
    double d = 0;
    for (int i = 0; i < n; i++) {
      double f = PHI.cumulativeProbability(x[i]);
      d = Math.max(d, Math.max(f - (double) i / n, (double) (i + 1) / n - f));
    }
    // P(√n D > 1.95) ≈ 0.001
    assertThat(Math.sqrt(n) * d).isLessThan(1.95);
  }

  @Test
  void theTailBeyondTheBaseStripAndEachBandHoldTheirNormalMass() {
    float[] x = draw(11, N);
    // bands that cut across the wedges (the slow path) and the tail beyond r = 3.4426
    double[] edges = {0, 0.5, 1, 1.5, 2, 2.5, 3, 3.4426, 4, Double.POSITIVE_INFINITY};
    long[] counts = new long[edges.length - 1];
    for (float v : x) {
      double a = Math.abs(v);
      for (int b = 0; b < counts.length; b++) {
        if (a >= edges[b] && a < edges[b + 1]) {
          counts[b]++;
          break;
        }
      }
    }
    double chi2 = 0;
    for (int b = 0; b < counts.length; b++) {
      double p = 2 * (PHI.cumulativeProbability(edges[b + 1]) - PHI.cumulativeProbability(edges[b]));
      double expected = p * N;
      chi2 += (counts[b] - expected) * (counts[b] - expected) / expected;
    }
    // 9 bands, 8 degrees of freedom: P(χ² > 26.1) ≈ 0.001
    assertThat(chi2).isLessThan(26.1);
    assertThat(counts[counts.length - 1]).as("beyond 4: expect %.0f", 2 * (1 - PHI.cumulativeProbability(4)) * N)
        .isBetween(180L, 330L);
  }

  @Test
  void neighboursAndNeighbouringSeedsAreUncorrelated() {
    float[] x = draw(3, N);
    float[] y = draw(4, N);
    double lag1 = 0;
    double lag2 = 0;
    double cross = 0;
    double squaresOfSigns = 0;
    for (int i = 0; i + 2 < N; i++) {
      lag1 += (double) x[i] * x[i + 1];
      lag2 += (double) x[i] * x[i + 2];
      cross += (double) x[i] * y[i];
      // the two numbers of one word: is the size of one tied to the other?
      squaresOfSigns += ((double) x[i] * x[i] - 1) * ((double) x[i + 1] * x[i + 1] - 1);
    }
    double bound = 5 / Math.sqrt(N); // 5 standard errors of a correlation of independent normals
    assertThat(Math.abs(lag1 / N)).isLessThan(bound);
    assertThat(Math.abs(lag2 / N)).isLessThan(bound);
    assertThat(Math.abs(cross / N)).isLessThan(bound);
    assertThat(Math.abs(squaresOfSigns / N)).isLessThan(2 * bound); // Var((x²−1)(y²−1)) = 4
  }

  @Test
  void aStreamIsAFunctionOfItsSeedAndFillMatchesOneByOne() {
    float[] a = draw(42, 1001);
    float[] b = draw(42, 1001);
    assertThat(a).containsExactly(b);
    // fill draws two numbers per word; a fill of an odd count drops the second of its last word
    GaussianNoise one = new GaussianNoise(42);
    float[] c = new float[10];
    one.fill(c, 0, 10);
    assertThat(c).containsExactly(java.util.Arrays.copyOf(a, 10));
    assertThat(draw(43, 1001)).isNotEqualTo(a);
  }

  @Test
  void consecutiveFillsContinueOneStreamThroughTheSlowPath() {
    // 20,000 numbers cross the wedge and tail path about 250 times: the state it advances must be
    // the state the next fill starts from.
    float[] whole = draw(7, 20_000);
    GaussianNoise g = new GaussianNoise(7);
    float[] parts = new float[20_000];
    for (int off = 0; off < parts.length; off += 2_000) {
      g.fill(parts, off, 2_000);
    }
    assertThat(parts).containsExactly(whole);
  }
}
