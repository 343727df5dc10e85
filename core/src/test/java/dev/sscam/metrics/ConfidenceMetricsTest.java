package dev.sscam.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sscam.SscamException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Average Drop, Increase in Confidence and Win % on four images computed by hand. */
class ConfidenceMetricsTest {
  // image:        1     2     3     4
  static final double[] Y = {0.8, 0.5, 0.4, 0.9};
  // method A:  O  0.2   0.6   0.4   0.45
  static final double[] A = {0.2, 0.6, 0.4, 0.45};
  // method B:  O  0.4   0.5   0.3   0.45
  static final double[] B = {0.4, 0.5, 0.3, 0.45};
  // method C:  O  0.8   0.8   0.8   0.8
  static final double[] C = {0.8, 0.8, 0.8, 0.8};

  @Test
  void averageDropByHand() {
    // drop_i = 100·max(0, Y−O)/Y: 100·0.6/0.8 = 75; O > Y → 0; O = Y → 0; 100·0.45/0.9 = 50
    assertThat(AverageDrop.perImage(Y, A)).containsExactly(new double[] {75, 0, 0, 50}, within(1e-9));
    // (75 + 0 + 0 + 50) / 4 = 31.25
    assertThat(AverageDrop.of(Y, A)).isCloseTo(31.25, within(1e-9));
  }

  @Test
  void increaseInConfidenceByHand() {
    // only image 2 rises (0.5 < 0.6); image 3's tie (0.4 = 0.4) is not an increase → 1/4 = 25%
    assertThat(IncreaseInConfidence.perImage(Y, A)).containsExactly(0, 100, 0, 0);
    assertThat(IncreaseInConfidence.of(Y, A)).isEqualTo(25.0);
    // C raises images 2, 3 (0.5, 0.4 < 0.8); image 1 ties (0.8); image 4 falls → 50%
    assertThat(IncreaseInConfidence.of(Y, C)).isEqualTo(50.0);
  }

  @Test
  void winRateByHand() {
    // drops Y − O: A = [0.6, −0.1, 0.0, 0.45], B = [0.4, 0.0, 0.1, 0.45], C = [0, −0.3, −0.4, 0.1]
    // A < B on images 2 and 3; image 4 ties (no win) → 50%. B < A on image 1 only → 25%.
    assertThat(WinRate.perImage(Y, A, B)).containsExactly(0, 100, 100, 0);
    assertThat(WinRate.of(Y, A, B)).isEqualTo(50.0);
    assertThat(WinRate.of(Y, B, A)).isEqualTo(25.0);

    Map<String, double[]> methods = new LinkedHashMap<>();
    methods.put("A", A);
    methods.put("B", B);
    methods.put("C", C);
    WinRate m = WinRate.matrix(Y, methods);
    assertThat(m.methods()).containsExactly("A", "B", "C");
    // C's drop is smaller than A's and B's on every image → 100; never the other way → 0
    assertThat(m.percent("C", "A")).isEqualTo(100.0);
    assertThat(m.percent("C", "B")).isEqualTo(100.0);
    assertThat(m.percent("A", "C")).isEqualTo(0.0);
    assertThat(m.percent("B", "C")).isEqualTo(0.0);
    assertThat(m.percent("A", "B")).isEqualTo(50.0);
    assertThat(m.percent(1, 0)).isEqualTo(25.0);
    for (int i = 0; i < 3; i++) {
      assertThat(m.percent(i, i)).as("a method never beats itself").isEqualTo(0.0);
    }
    assertThatThrownBy(() -> m.percent("A", "D")).isInstanceOf(SscamException.class).hasMessageContaining("'D'");
  }

  @Test
  void refusesBadScores() {
    assertThatThrownBy(() -> AverageDrop.of(new double[] {0.0}, new double[] {0.1}))
        .isInstanceOf(SscamException.class).hasMessageContaining("positive");
    assertThatThrownBy(() -> AverageDrop.of(new double[] {0.5, 0.5}, new double[] {0.1}))
        .isInstanceOf(SscamException.class).hasMessageContaining("2 original scores but 1");
    assertThatThrownBy(() -> IncreaseInConfidence.of(new double[] {0.5}, new double[] {Double.NaN}))
        .isInstanceOf(SscamException.class).hasMessageContaining("non-finite");
    assertThatThrownBy(() -> WinRate.of(new double[0], new double[0], new double[0]))
        .isInstanceOf(SscamException.class).hasMessageContaining("no images");
  }
}
