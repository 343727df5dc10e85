package dev.sscam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sscam.evaluation.FastFidelity.Comparison;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fidelity table's row, from comparisons whose figures are worked out by hand. */
class FidelitySummaryTest {
  @Test
  void rowMatchesHandComputedFigures() {
    List<Comparison> cs = List.of(
        // exact passes, fast passes, exact s, fast s, Pearson, true RMS, estimated, energy exact/fast, drop exact/fast
        new Comparison(1000, 100, 10, 1, 0.999, 0.004, 0.010, 40.0, 41.0, 5, 6),
        new Comparison(1000, 200, 10, 2, 0.990, 0.012, 0.010, 30.0, 29.0, 10, 10),
        new Comparison(1000, 300, 10, 3, 0.980, 0.002, 0.010, null, null, 0, 2));
    String row = FidelityCommand.summary("ss-cam-2", cs);
    // Passes ratio: median 0.2, max 0.3; seconds 6/30 = 0.2; Pearson median 0.990, 5th percentile (commons-math's
    // default estimator, position 0.05·4 = 0.2 < 1) the minimum 0.980; RMS median 0.004 vs 0.010; energy over the
    // two boxed images: (+1 − 1)/2 = 0, mean abs 1; Average Drop 5 → 6 (+1); one map's true error (0.012) is above
    // its estimate (0.010).
    assertThat(row).isEqualTo("| ss-cam-2 | 3 | 1000 | 200 | 0.200 / 0.300 | 0.200 | 0.9900 / 0.9800 | 0.0040 / 0.0100"
        + " | +0.00 (1.00) | 5.00 → 6.00 (+1.00) | 1 of 3 |");
    assertThat(FidelityCommand.summaryHeader().lines().findFirst().orElseThrow().split("\\|"))
        .hasSize(row.split("\\|").length);
  }
}
