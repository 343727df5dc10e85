package dev.sscam.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sscam.metrics.Bootstrap;
import dev.sscam.metrics.MetricSummary;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HumanTrustTest {
  private static final List<String> M = List.of("x", "y", "z");

  private static HumanTrust.Answer a(long p, long t, List<String> shown, Integer... chosen) {
    return new HumanTrust.Answer(p, t, chosen.length == 0, shown, Set.of(chosen));
  }

  /**
   * Two participants, two trials each. P1: t1 shown (x, y, z) picks A+B → x ½, y ½; t2 shown (z, x, y)
   * picks A → z 1. P2: t1 shown (y, z, x) not sure; t2 shown (x, z, y) picks C → y 1.
   * Totals over 4 answers: x ½, y 1½, z 1, not sure 1 → 12.5%, 37.5%, 25%, 25%.
   */
  @Test
  void tableIvHandComputed() {
    HumanTrust t = new HumanTrust(M, List.of(
        a(1, 1, List.of("x", "y", "z"), 0, 1), a(1, 2, List.of("z", "x", "y"), 0),
        a(2, 1, List.of("y", "z", "x")), a(2, 2, List.of("x", "z", "y"), 2)), new Bootstrap(0));
    Map<String, MetricSummary> s = t.shares();
    assertThat(s.keySet()).containsExactly("x", "y", "z", HumanTrust.NOT_SURE);
    assertThat(s.get("x").mean()).isCloseTo(12.5, within(1e-9));
    assertThat(s.get("y").mean()).isCloseTo(37.5, within(1e-9));
    assertThat(s.get("z").mean()).isCloseTo(25.0, within(1e-9));
    assertThat(s.get(HumanTrust.NOT_SURE).mean()).isCloseTo(25.0, within(1e-9));
    // Participants are resampled whole: x is ½ of 2 answers (P1) or 0 of 2 (P2), so any resample of
    // two participants gives x ∈ {0, 12.5, 25}; the interval must lie in those bounds and be n = 2.
    assertThat(s.get("x").ciLow()).isGreaterThanOrEqualTo(0);
    assertThat(s.get("x").ciHigh()).isLessThanOrEqualTo(25.0);
    assertThat(s.get("x").n()).isEqualTo(2);
    // Positions: A gets ½ + 1 = 1.5, B ½, C 1.
    assertThat(t.positionTotals()).containsExactly(1.5, 0.5, 1.0);
    // Uniformity over methods (x ½, y 1½, z 1; E = 1): X² = ¼ + ¼ + 0 = ½, df 2, p = e^{−¼}.
    UniformityTest u = t.uniformity();
    assertThat(u.chiSquared()).isCloseTo(0.5, within(1e-12));
    assertThat(u.degreesOfFreedom()).isEqualTo(2);
    assertThat(u.pValue()).isCloseTo(Math.exp(-0.25), within(1e-9));
    assertThat(t.participants()).isEqualTo(2);
    assertThat(t.answerCount()).isEqualTo(4);
    assertThat(t.notSureCount()).isEqualTo(1);
  }

  /** One participant: the interval collapses onto the point (every resample is that participant). */
  @Test
  void oneParticipantHasADegenerateInterval() {
    HumanTrust t = new HumanTrust(M, List.of(a(7, 1, List.of("x", "y", "z"), 1), a(7, 2, List.of("y", "x", "z"), 1)),
        new Bootstrap(0));
    MetricSummary x = t.shares().get("x");
    assertThat(x.mean()).isEqualTo(50.0);
    assertThat(x.ciLow()).isEqualTo(50.0);
    assertThat(x.ciHigh()).isEqualTo(50.0);
  }

  /** Kappa over trials: both participants agree on trial 1 (x) and on trial 2 (z) → κ = 1 for x vs z. */
  @Test
  void kappaUsesTrialsAsSubjects() {
    HumanTrust t = new HumanTrust(M, List.of(
        a(1, 1, List.of("x", "y", "z"), 0), a(2, 1, List.of("z", "y", "x"), 2),
        a(1, 2, List.of("x", "y", "z"), 2), a(2, 2, List.of("z", "y", "x"), 0)), new Bootstrap(0));
    assertThat(t.kappa().kappa()).isCloseTo(1.0, within(1e-12));
  }

  /**
   * κ's bootstrap interval over participants, on two cases whose every resample is known. Agreement: both
   * participants pick x on trial 1 and z on trial 2; any resample ({p1,p1}, {p2,p2}, {p1,p2}) has the same
   * answers per trial and categories x, z half each → κ = 1 every time: [1, 1], all B defined.
   */
  @Test
  void kappaIntervalOfPerfectAgreementIsOne() {
    HumanTrust t = new HumanTrust(M, List.of(
        a(1, 1, List.of("x", "y", "z"), 0), a(2, 1, List.of("z", "y", "x"), 2),
        a(1, 2, List.of("x", "y", "z"), 2), a(2, 2, List.of("z", "y", "x"), 0)), new Bootstrap(0));
    KappaInterval k = t.kappaInterval();
    assertThat(k.kappa()).isCloseTo(1.0, within(1e-12));
    assertThat(k.low()).isCloseTo(1.0, within(1e-12));
    assertThat(k.high()).isCloseTo(1.0, within(1e-12));
    assertThat(k.defined()).isEqualTo(k.resamples()).isEqualTo(Bootstrap.DEFAULT_RESAMPLES);
  }

  /**
   * Disagreement: p1 always picks x, p2 always y. Full sample: P̄ = 0, P_e = ½ → κ = −1. A resample of one
   * participant twice has every answer in one category (P_e = 1): no κ, left out; {p1, p2} gives −1 again.
   * So the interval is [−1, −1], from about half the resamples (each is {p1,p2} with probability ½).
   */
  @Test
  void kappaIntervalLeavesOutResamplesWithoutKappa() {
    HumanTrust t = new HumanTrust(M, List.of(
        a(1, 1, List.of("x", "y", "z"), 0), a(2, 1, List.of("x", "y", "z"), 1),
        a(1, 2, List.of("y", "x", "z"), 1), a(2, 2, List.of("y", "x", "z"), 0)), new Bootstrap(0));
    KappaInterval k = t.kappaInterval();
    assertThat(k.kappa()).isCloseTo(-1.0, within(1e-12));
    assertThat(k.low()).isCloseTo(-1.0, within(1e-12));
    assertThat(k.high()).isCloseTo(-1.0, within(1e-12));
    // binomial(2000, ½): within ±5 standard deviations (±112) of 1000
    assertThat(k.defined()).isBetween(888, 1112);
  }
}
