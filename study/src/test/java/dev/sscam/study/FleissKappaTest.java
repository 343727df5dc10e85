package dev.sscam.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class FleissKappaTest {
  /**
   * The worked example of Wikipedia's "Fleiss' kappa" article: 10 subjects, 14 raters, 5 categories;
   * published P̄ = 0.378, P_e = 0.213, κ = 0.210.
   */
  @Test
  void publishedWorkedExample() {
    int[][] counts = {
        {0, 0, 0, 0, 14}, {0, 2, 6, 4, 2}, {0, 0, 3, 5, 6}, {0, 3, 9, 2, 0}, {2, 2, 8, 1, 1},
        {7, 7, 0, 0, 0}, {3, 2, 6, 3, 0}, {2, 5, 3, 2, 2}, {6, 5, 2, 1, 0}, {0, 2, 2, 3, 7}};
    FleissKappa.Result r = FleissKappa.fromCounts(counts);
    assertThat(r.observed()).isCloseTo(0.378, within(0.0005));
    assertThat(r.expected()).isCloseTo(0.213, within(0.0005));
    assertThat(r.kappa()).isCloseTo(0.210, within(0.0005));
    assertThat(r.subjects()).isEqualTo(10);
  }

  /** Everyone agrees on each subject, and the categories are used equally: κ = 1. */
  @Test
  void perfectAgreementIsOne() {
    FleissKappa.Result r = FleissKappa.fromCounts(new int[][] {{3, 0}, {0, 3}});
    assertThat(r.kappa()).isCloseTo(1.0, within(1e-12));
  }

  /**
   * Two raters, multi-choice answers. Subject 1: rater 1 picks {a, b} (½, ½), rater 2 picks a:
   * agreement = ½·1 = ½. Subject 2: both pick b: 1. P̄ = ¾. Category totals: a = 1.5, b = 2.5 of 4 →
   * P_e = (3/8)² + (5/8)² = 34/64. κ = (¾ − 34/64) / (1 − 34/64) = (14/64) / (30/64) = 7/15.
   */
  @Test
  void multiChoiceAnswersHandComputed() {
    FleissKappa.Result r = FleissKappa.of(List.of(
        new double[][] {{0.5, 0.5}, {1, 0}},
        new double[][] {{0, 1}, {0, 1}}));
    assertThat(r.observed()).isCloseTo(0.75, within(1e-12));
    assertThat(r.expected()).isCloseTo(34.0 / 64, within(1e-12));
    assertThat(r.kappa()).isCloseTo(7.0 / 15, within(1e-12));
  }

  @Test
  void subjectsWithOneRaterAreLeftOutAndNoneGivesNaN() {
    assertThat(FleissKappa.of(List.<double[][]>of(new double[][] {{1, 0}})).kappa()).isNaN();
    FleissKappa.Result r = FleissKappa.of(List.of(new double[][] {{1, 0}}, new double[][] {{1, 0}, {0, 1}},
        new double[][] {{0, 1}, {0, 1}}));
    // Subjects 2 and 3: P = 0 and 1, P̄ = ½; totals a = 1, b = 3 → P_e = 1/16 + 9/16 = 5/8; κ = (½ − ⅝)/(⅜) = −⅓.
    assertThat(r.subjects()).isEqualTo(2);
    assertThat(r.kappa()).isCloseTo(-1.0 / 3, within(1e-12));
  }
}
