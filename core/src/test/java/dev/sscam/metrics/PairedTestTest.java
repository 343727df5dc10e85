package dev.sscam.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sscam.SscamException;
import java.util.Random;
import org.apache.commons.math3.stat.inference.WilcoxonSignedRankTest;
import org.junit.jupiter.api.Test;

/** The Wilcoxon signed-rank test against hand counts and an independent implementation. */
class PairedTestTest {

  static double[] zeros(int n) {
    return new double[n];
  }

  @Test
  void exactAllPositive() {
    // d = 1..5, all positive: W+ = 15 is the largest of 2^5 = 32 equally likely sign patterns,
    // P(W+ ≥ 15) = 1/32, two-sided p = 2/32 = 0.0625
    PairedTest.Result r = PairedTest.wilcoxon(new double[] {1, 2, 3, 4, 5}, zeros(5));
    assertThat(r.pValue()).isCloseTo(0.0625, within(1e-15));
    assertThat(r.wPlus()).isEqualTo(15.0);
    assertThat(r.exact()).isTrue();
    assertThat(r.nonZeroPairs()).isEqualTo(5);
  }

  @Test
  void exactOneNegative() {
    // d = +1 +2 −3 +4 +5 +6: W− = 3, W+ = 18. Sign patterns of 1..6 with negative-rank sum ≤ 3:
    // {}, {1}, {2}, {3}, {1,2} = 5 of 64, so P(W+ ≥ 18) = 5/64 and p = 10/64 = 0.15625
    PairedTest.Result r = PairedTest.wilcoxon(new double[] {1, 2, -3, 4, 5, 6}, zeros(6));
    assertThat(r.wPlus()).isEqualTo(18.0);
    assertThat(r.pValue()).isCloseTo(0.15625, within(1e-15));
    // swapping a and b flips the signs, not the p-value
    assertThat(PairedTest.wilcoxon(zeros(6), new double[] {1, 2, -3, 4, 5, 6}).pValue()).isCloseTo(0.15625, within(1e-15));
  }

  @Test
  void zeroDifferencesAreDropped() {
    // two zero differences + the 1..5 case: same as n = 5, p = 0.0625
    PairedTest.Result r = PairedTest.wilcoxon(new double[] {0.5, 1, 2, 3, 0.25, 4, 5}, new double[] {0.5, 0, 0, 0, 0.25, 0, 0});
    assertThat(r.nonZeroPairs()).isEqualTo(5);
    assertThat(r.pValue()).isCloseTo(0.0625, within(1e-15));
  }

  @Test
  void allEqualInputGivesOneWithoutException() {
    double[] same = {0.3, 0.3, 0.7, 0.1};
    PairedTest.Result r = PairedTest.wilcoxon(same, same.clone());
    assertThat(r.pValue()).isEqualTo(1.0);
    assertThat(r.nonZeroPairs()).isZero();
    assertThat(PairedTest.wilcoxon(new double[0], new double[0]).pValue()).isEqualTo(1.0);
  }

  @Test
  void tiesUseTheCorrectedNormalApproximation() {
    // d = 1 1 −2 3 3 3 4 −5: ranks of |d| 1.5 1.5 3 5 5 5 7 8 → W+ = 25, W− = 11, n = 8
    // mean 8·9/4 = 18; var = 8·9·17/24 − ((2³−2) + (3³−3))/48 = 51 − 0.625 = 50.375
    // z = (|25 − 18| − 0.5)/√50.375 = 0.9158109; p = erfc(z/√2) = 0.3597661 (scipy: 0.35976606)
    PairedTest.Result r = PairedTest.wilcoxon(new double[] {1, 1, -2, 3, 3, 3, 4, -5}, zeros(8));
    assertThat(r.exact()).isFalse();
    assertThat(r.wPlus()).isEqualTo(25.0);
    assertThat(r.pValue()).isCloseTo(0.35976606, within(1e-7));
  }

  @Test
  void largeSampleNormalApproximation() {
    // d_i = ±i, i = 1..60, negative for multiples of 3: W− = 3·(1+..+20) = 630, W+ = 1830 − 630 = 1200
    // mean 915; var = 60·61·121/24 = 18452.5; z = (285 − 0.5)/√18452.5 = 2.0943761; p = 0.0362265
    double[] d = new double[60];
    for (int i = 1; i <= 60; i++) {
      d[i - 1] = i % 3 == 0 ? -i : i;
    }
    PairedTest.Result r = PairedTest.wilcoxon(d, zeros(60));
    assertThat(r.exact()).isFalse();
    assertThat(r.wPlus()).isEqualTo(1200.0);
    assertThat(r.pValue()).isCloseTo(0.03622649, within(1e-7));
  }

  @Test
  void exactAgreesWithCommonsMathWithoutTiesOrZeros() {
    // commons-math3 enumerates all 2^n sign patterns: an independent count for small n
    Random rnd = new Random(5);
    WilcoxonSignedRankTest commons = new WilcoxonSignedRankTest();
    for (int trial = 0; trial < 20; trial++) {
      int n = 5 + rnd.nextInt(10);
      double[] x = new double[n];
      double[] y = new double[n];
      for (int i = 0; i < n; i++) {
        x[i] = rnd.nextDouble();
        y[i] = rnd.nextDouble() + 0.15;
      }
      double expected = Math.min(1.0, commons.wilcoxonSignedRankTest(x, y, true));
      assertThat(PairedTest.wilcoxon(x, y).pValue()).as("trial " + trial).isCloseTo(expected, within(1e-12));
    }
  }

  @Test
  void upperTailCountsSubsets() {
    // n = 3: subset sums of {1,2,3}: 0,1,2,3,3,4,5,6 → P(W ≥ 4) = 3/8, P(W ≥ 0) = 1
    assertThat(PairedTest.upperTail(3, 4)).isEqualTo(3 / 8.0);
    assertThat(PairedTest.upperTail(3, 0)).isEqualTo(1.0);
  }

  @Test
  void refusesMismatchedOrNonFinite() {
    assertThatThrownBy(() -> PairedTest.wilcoxon(new double[2], new double[3])).isInstanceOf(SscamException.class);
    assertThatThrownBy(() -> PairedTest.wilcoxon(new double[] {Double.NaN}, new double[1]))
        .isInstanceOf(SscamException.class).hasMessageContaining("pair 0");
  }
}
