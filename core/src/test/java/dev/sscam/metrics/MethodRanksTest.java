package dev.sscam.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sscam.SscamException;
import dev.sscam.metrics.MethodRanks.Better;
import dev.sscam.metrics.MethodRanks.Rank;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Ranks and their intervals on cases whose bootstrap distribution is known by hand. */
class MethodRanksTest {
  private static final Bootstrap B = new Bootstrap(7);

  @Test
  void aMethodBestOnEveryImageIsFirstInEveryResample() {
    Map<String, double[]> v = new LinkedHashMap<>();
    v.put("a", new double[] {1, 2, 3, 4});
    v.put("b", new double[] {11, 12, 13, 14});
    v.put("c", new double[] {21, 22, 23, 24});
    Map<String, Rank> lower = MethodRanks.of(v, Better.LOWER, B);
    assertThat(lower.get("a")).isEqualTo(new Rank(1, 1, 1, 3));
    assertThat(lower.get("b")).isEqualTo(new Rank(2, 2, 2, 3));
    assertThat(lower.get("c")).isEqualTo(new Rank(3, 3, 3, 3));
    assertThat(MethodRanks.of(v, Better.HIGHER, B).get("a")).isEqualTo(new Rank(3, 3, 3, 3));
    assertThat(lower.get("b").toString()).isEqualTo("2 [2]");
  }

  /**
   * Two images, A = (0, 10), B = (4, 4), lower better. A resample of two images is (1,1), (1,2),
   * (2,1) or (2,2), each with probability 1/4: A's mean is 0, 5, 5 or 10, so A ranks 1st in 1/4 of
   * them and 2nd otherwise. Its rank on the data (mean 5 against 4) is 2, and both ranks are well
   * inside the 2.5%–97.5% range of 2,000 resamples: the interval is [1, 2].
   */
  @Test
  void twoImagesGiveTheEnumeratedInterval() {
    Map<String, double[]> v = new LinkedHashMap<>();
    v.put("A", new double[] {0, 10});
    v.put("B", new double[] {4, 4});
    Map<String, Rank> r = MethodRanks.of(v, Better.LOWER, B);
    assertThat(r.get("A")).isEqualTo(new Rank(2, 1, 2, 2));
    assertThat(r.get("B")).isEqualTo(new Rank(1, 1, 2, 2));
    assertThat(r.get("A").toString()).isEqualTo("2 [1–2]");
  }

  @Test
  void tiesShareTheBetterRank() {
    Map<String, double[]> v = new LinkedHashMap<>();
    v.put("x", new double[] {5, 5, 5});
    v.put("y", new double[] {5, 5, 5});
    v.put("z", new double[] {9, 9, 9});
    Map<String, Rank> r = MethodRanks.of(v, Better.HIGHER, B);
    assertThat(r.get("z")).isEqualTo(new Rank(1, 1, 1, 3));
    assertThat(r.get("x")).isEqualTo(new Rank(2, 2, 2, 3));
    assertThat(r.get("y")).isEqualTo(new Rank(2, 2, 2, 3));
  }

  @Test
  void unpairedOrNonFiniteValuesAreRefused() {
    Map<String, double[]> v = new LinkedHashMap<>();
    v.put("a", new double[] {1, 2});
    v.put("b", new double[] {1});
    assertThatThrownBy(() -> MethodRanks.of(v, Better.LOWER, B)).isInstanceOf(SscamException.class)
        .hasMessageContaining("b has 1 images");
    v.put("b", new double[] {1, Double.NaN});
    assertThatThrownBy(() -> MethodRanks.of(v, Better.LOWER, B)).isInstanceOf(SscamException.class)
        .hasMessageContaining("NaN");
  }
}
