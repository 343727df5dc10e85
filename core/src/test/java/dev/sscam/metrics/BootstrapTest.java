package dev.sscam.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sscam.SscamException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BootstrapTest {

  @Test
  void constantSampleHasAZeroWidthInterval() {
    double[] c = new double[50];
    java.util.Arrays.fill(c, 0.1);
    MetricSummary s = new Bootstrap(1).mean(c);
    assertThat(s.mean()).isEqualTo(0.1);
    assertThat(s.ciLow()).isEqualTo(0.1);
    assertThat(s.ciHigh()).isEqualTo(0.1);
    assertThat(s.n()).isEqualTo(50);
  }

  @Test
  void normalSampleIntervalCoversTheMeanWithTheTextbookWidth() {
    // N(3, 1), n = 2000: the 95% interval of the mean is about ±1.96·σ/√n = ±0.0438, width 0.0877
    Random r = new Random(20201);
    double[] x = new double[2000];
    for (int i = 0; i < x.length; i++) {
      x[i] = 3 + r.nextGaussian();
    }
    MetricSummary s = new Bootstrap(7).mean(x);
    assertThat(s.ciLow()).isLessThan(3.0);
    assertThat(s.ciHigh()).isGreaterThan(3.0);
    assertThat(s.ciLow()).isLessThan(s.mean());
    assertThat(s.ciHigh()).isGreaterThan(s.mean());
    double expectedWidth = 2 * 1.96 / Math.sqrt(2000);
    assertThat(s.ciHigh() - s.ciLow()).isCloseTo(expectedWidth, within(0.1 * expectedWidth));
  }

  @Test
  void sameSeedSameInterval() {
    double[] x = {0.1, 0.5, 0.2, 0.9, 0.4, 0.3, 0.8, 0.05};
    MetricSummary a = new Bootstrap(42).mean(x);
    MetricSummary b = new Bootstrap(42).mean(x);
    assertThat(a).isEqualTo(b);
    MetricSummary c = new Bootstrap(43).mean(x);
    assertThat(c.ciLow() != a.ciLow() || c.ciHigh() != a.ciHigh()).isTrue();
    // the point estimate is the plain mean: 3.25 / 8
    assertThat(a.mean()).isCloseTo(3.25 / 8, within(1e-15));
  }

  @Test
  void pairedDifferenceAndRatio() {
    double[] b = {0.1, 0.7, 0.3, 0.2, 0.9};
    double[] a = new double[b.length];
    double[] twice = new double[b.length];
    for (int i = 0; i < b.length; i++) {
      a[i] = b[i] + 1;
      twice[i] = 2 * b[i];
    }
    // a_i − b_i is 1 up to rounding on every pair
    MetricSummary d = new Bootstrap(3).pairedDifference(a, b);
    assertThat(d.mean()).isCloseTo(1.0, within(1e-12));
    assertThat(d.ciLow()).isCloseTo(1.0, within(1e-12));
    assertThat(d.ciHigh()).isCloseTo(1.0, within(1e-12));
    // Σ 2b / Σ b = 2 on any resample (pairs move together)
    MetricSummary r = new Bootstrap(3).ratioOfMeans(twice, b);
    assertThat(r.ciLow()).isEqualTo(2.0);
    assertThat(r.ciHigh()).isEqualTo(2.0);
  }

  @Test
  void percentileInterpolatesLinearly() {
    double[] s = {1, 2, 3, 4, 5};
    // h = 4·0.025 = 0.1 → 1 + 0.1·(2 − 1) = 1.1;  h = 4·0.975 = 3.9 → 4 + 0.9·(5 − 4) = 4.9
    assertThat(Bootstrap.percentile(s, 0.025)).isCloseTo(1.1, within(1e-12));
    assertThat(Bootstrap.percentile(s, 0.975)).isCloseTo(4.9, within(1e-12));
    assertThat(Bootstrap.percentile(new double[] {7}, 0.975)).isEqualTo(7.0);
  }

  @Test
  void singleItemAndErrors() {
    MetricSummary one = new Bootstrap(1).mean(new double[] {0.4});
    assertThat(one.ciLow()).isEqualTo(0.4);
    assertThat(one.ciHigh()).isEqualTo(0.4);
    assertThatThrownBy(() -> new Bootstrap(1, 999)).isInstanceOf(SscamException.class).hasMessageContaining("1000");
    assertThatThrownBy(() -> new Bootstrap(1).mean(new double[0])).isInstanceOf(SscamException.class);
    assertThatThrownBy(() -> new Bootstrap(1).mean(new double[] {1, Double.NaN}))
        .isInstanceOf(SscamException.class).hasMessageContaining("values[1]");
    assertThatThrownBy(() -> new Bootstrap(1).pairedDifference(new double[2], new double[3]))
        .isInstanceOf(SscamException.class);
    assertThatThrownBy(() -> new Bootstrap(1).ratioOfMeans(new double[] {1, 1}, new double[] {0, 0}))
        .isInstanceOf(SscamException.class).hasMessageContaining("denominator");
    assertThat(new MetricSummary(1.5, 1.25, 1.75, 3).format(2)).isEqualTo("1.50 [1.25, 1.75] (n=3)");
  }
}
