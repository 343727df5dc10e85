package dev.sscam.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sscam.metrics.MethodRanks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluationReportTest {
  @TempDir Path dir;

  private static ImageResult r(String image, String method, double y, double o, double del, double ins, Double energy,
      double[] delCurve) {
    double drop = 100 * Math.max(0, y - o) / y;
    return new ImageResult(image, 1, 1, method, y, o, drop, y < o ? 1 : 0, del, ins, energy, energy == null ? null : 20.0,
        null, null, 1, delCurve, new double[] {0, 1});
  }

  /** Hand-computed: see the comments by each figure. */
  @Test
  void tablesMatchHandComputedFigures() throws Exception {
    List<ImageResult> results = List.of(
        r("a", "grad-cam", 0.5, 0.25, 10, 40, 60.0, new double[] {0.5, 0.1, 0.0}),   // drop 50
        r("a", "score-cam", 0.5, 0.4, 5, 70, 80.0, new double[] {0.5, 0.2, 0.0}),    // drop 20
        r("b", "grad-cam", 0.4, 0.1, 20, 50, 30.0, new double[] {0.4, 0.3, 0.2}),    // drop 75
        r("b", "score-cam", 0.4, 0.3, 15, 80, null, new double[] {0.4, 0.0, 0.0}),   // drop 25
        r("c", "grad-cam", 0.8, 0.9, 30, 60, null, new double[] {0.8, 0.5, 0.1}),    // drop 0, increase
        r("c", "score-cam", 0.8, 0.2, 25, 90, null, new double[] {0.8, 0.4, 0.3}));  // drop 75
    Path file = dir.resolve(ResultsLog.FILE);
    try (ResultsLog log = ResultsLog.open(dir,
        new EvaluationConfig("sha", List.of("grad-cam", "score-cam"), 3, 1, 10, 2, 224, "d", "h", "paper"))) {
      results.forEach(log::append);
    }
    EvaluationReport report = EvaluationReport.from(dir);
    assertThat(report.methods()).containsExactly("grad-cam", "score-cam");
    assertThat(report.summary("grad-cam", "drop").mean()).isCloseTo(125.0 / 3, within(1e-9));
    assertThat(report.summary("score-cam", "drop").mean()).isCloseTo(40.0, within(1e-9));
    assertThat(report.summary("grad-cam", "increase").mean()).isCloseTo(100.0 / 3, within(1e-9));
    assertThat(report.summary("score-cam", "increase").mean()).isEqualTo(0.0);
    assertThat(report.summary("grad-cam", "deletion").mean()).isCloseTo(20.0, within(1e-9));
    assertThat(report.summary("score-cam", "insertion").mean()).isCloseTo(80.0, within(1e-9));
    assertThat(report.summary("grad-cam", "energy").mean()).isCloseTo(45.0, within(1e-9));
    assertThat(report.summary("grad-cam", "energy").n()).isEqualTo(2);
    assertThat(report.summary("score-cam", "energy").n()).isEqualTo(1);
    assertThat(report.summary("grad-cam", "mask_energy")).isNull();
    // CI brackets the mean, and lies within the data's range [0, 75].
    assertThat(report.summary("grad-cam", "drop").ciLow()).isBetween(0.0, 125.0 / 3);
    assertThat(report.summary("grad-cam", "drop").ciHigh()).isBetween(125.0 / 3, 75.0);
    // Win: grad-cam's Y−O is smaller only on c (−0.1 < 0.6).
    assertThat(report.winRate().percent("grad-cam", "score-cam")).isCloseTo(100.0 / 3, within(1e-9));
    assertThat(report.winRate().percent("score-cam", "grad-cam")).isCloseTo(200.0 / 3, within(1e-9));
    // Drops differ by 30, 50, −75: ranks 1, 2, 3, W+ = 3; exact two-sided p over 8 sign patterns = 1.
    assertThat(report.wilcoxonVsScoreCam()).containsOnlyKeys("grad-cam");
    assertThat(report.wilcoxonVsScoreCam().get("grad-cam").wPlus()).isEqualTo(3.0);
    assertThat(report.wilcoxonVsScoreCam().get("grad-cam").pValue()).isCloseTo(1.0, within(1e-12));
    // Paired differences, grad-cam − score-cam. Deletion +5 on each image: all three |d| tie at rank 2,
    // W+ = 6, normal approximation (ties): var = 3·4·7/24 − (27 − 3)/48 = 3, z = (3 − ½)/√3, p = erfc(z/√2)
    // = 0.14891 (scipy.stats.wilcoxon([5, 5, 5], correction=True, method="approx") agrees).
    EvaluationReport.PairedDifference del = report.pairedVsScoreCam("deletion").get("grad-cam");
    assertThat(del.difference().mean()).isCloseTo(5.0, within(1e-12));
    assertThat(del.difference().ciLow()).isCloseTo(5.0, within(1e-12));
    assertThat(del.test().wPlus()).isEqualTo(6.0);
    assertThat(del.test().pValue()).isCloseTo(0.148915, within(1e-5));
    assertThat(report.pairedVsScoreCam("insertion").get("grad-cam").difference().mean()).isCloseTo(-30.0, within(1e-12));
    assertThat(report.pairedVsScoreCam("insertion").get("grad-cam").test().wPlus()).isEqualTo(0.0);
    // Box energy: only image a has it for both methods (60 − 80); one pair, exact p = 1.
    EvaluationReport.PairedDifference energy = report.pairedVsScoreCam("energy").get("grad-cam");
    assertThat(energy.difference().mean()).isCloseTo(-20.0, within(1e-12));
    assertThat(energy.difference().n()).isEqualTo(1);
    assertThat(energy.test().pValue()).isCloseTo(1.0, within(1e-12));
    assertThat(report.pairedVsScoreCam("drop").get("grad-cam").difference().mean()).isCloseTo(5.0 / 3, within(1e-9));
    assertThat(report.meanDeletion("grad-cam")).containsExactly(new double[] {1.7 / 3, 0.3, 0.1}, within(1e-12));
    // Ranks: grad-cam's deletion is 5 worse on every image, so every resample ranks it 2nd; its drops
    // differ from score-cam's by 30, 50, −75, so resamples with two or more c's (7/27 of them) rank it
    // 1st and the others 2nd; box energy has one complete image (a: 60 < 80).
    assertThat(report.ranks("deletion").get("grad-cam")).isEqualTo(new MethodRanks.Rank(2, 2, 2, 2));
    assertThat(report.ranks("deletion").get("score-cam")).isEqualTo(new MethodRanks.Rank(1, 1, 1, 2));
    assertThat(report.ranks("insertion").get("score-cam")).isEqualTo(new MethodRanks.Rank(1, 1, 1, 2));
    assertThat(report.ranks("drop").get("grad-cam")).isEqualTo(new MethodRanks.Rank(2, 1, 2, 2));
    assertThat(report.ranks("drop").get("score-cam")).isEqualTo(new MethodRanks.Rank(1, 1, 2, 2));
    // Increase: grad-cam's only on c; a resample without c ties both at 0, and ties share rank 1.
    assertThat(report.ranks("increase").get("grad-cam")).isEqualTo(new MethodRanks.Rank(1, 1, 1, 2));
    assertThat(report.ranks("increase").get("score-cam")).isEqualTo(new MethodRanks.Rank(2, 1, 2, 2));
    assertThat(report.ranks("energy").get("grad-cam")).isEqualTo(new MethodRanks.Rank(2, 2, 2, 2));

    report.write(dir);
    String md = Files.readString(dir.resolve("report.md"));
    assertThat(md).contains("| grad-cam | 20.00 [").contains("| score-cam | 40.00 [").contains("41.67 [")
        .contains("| grad-cam | – | 33.33 |").contains("model sha256: sha")
        .contains("## Paired differences vs score-cam").contains("| grad-cam | +1.67 [").contains("+5.00 [5.00, 5.00], p=0.149 (n=3)")
        .contains("## Rank among the 2 methods").contains("| grad-cam | 2 [1–2] | 1 [1] | 2 [2] | 2 [2] | 2 [2] |");
    String csv = Files.readString(dir.resolve("report.csv"));
    assertThat(csv).contains("score-cam,drop,40.0,").contains("grad-cam,win_vs_score-cam,33.33")
        .contains("grad-cam,rank_drop,2,1,2,3\n").contains("score-cam,rank_increase,2,1,2,3\n")
        .contains("grad-cam,rank_energy,2,2,2,");
    String html = Files.readString(dir.resolve("report.html"));
    assertThat(html).contains("Table I").contains("Table II").contains("Table III").contains("data:image/png;base64,")
        .contains("<td>66.67</td>").contains("Paired differences vs score-cam").contains("Rank among the 2 methods")
        .contains("<td>2 [1–2]</td>").contains("<td>-30.00 [-30.00, -30.00], p=0.149 (n=3)</td>")
        .endsWith("</html>\n");
  }

  private static ImageResult timed(String image, String method, Boolean empty, double seconds) {
    return new ImageResult(image, 1, 1, method, 0.5, 0.5, 0, 0, 10, 20, null, null, null, empty, seconds,
        new double[] {0.5, 0}, new double[] {0, 0.5});
  }

  /** Empty maps are counted per method; seconds are averaged; Table III is left out without boxes. */
  @Test
  void emptyMapsAndSecondsAreReportedAndTablesWithoutDataAreLeftOut() throws Exception {
    List<ImageResult> results = List.of(
        timed("a", "score-cam", false, 2), timed("b", "score-cam", false, 4),
        timed("c", "score-cam", false, 6), timed("d", "score-cam", false, 8),
        timed("a", "ss-cam-1", true, 20), timed("b", "ss-cam-1", false, 30),
        timed("c", "ss-cam-1", true, 40), timed("d", "ss-cam-1", true, 50));
    try (ResultsLog log = ResultsLog.open(dir,
        new EvaluationConfig("sha", List.of("score-cam", "ss-cam-1"), 4, 1, 10, 2, 224, "d", "h", "paper"))) {
      results.forEach(log::append);
    }
    EvaluationReport report = EvaluationReport.from(dir);
    assertThat(report.summary("score-cam", "empty").mean()).isEqualTo(0.0);
    assertThat(report.summary("ss-cam-1", "empty").mean()).isCloseTo(75.0, within(1e-12));  // 3 of 4
    assertThat(report.summary("ss-cam-1", "seconds").mean()).isCloseTo(35.0, within(1e-12));
    String md = report.markdown();
    assertThat(md).contains("## Empty maps and time").contains("| ss-cam-1 | 75.00 [")
        .contains("| score-cam | 0.00 [0.00, 0.00] (n=4) | 5.00 [").doesNotContain("Table III");
    assertThat(report.html()).contains("Empty maps % (E = 0 everywhere)").doesNotContain("Table III");
  }

  /** A log written before sscam recorded empty maps reads as "unknown", not as "never empty". */
  @Test
  void oldLogsWithoutTheEmptyFieldReportNoEmptyFigure() throws Exception {
    String line = "{\"image\":\"a\",\"cls\":1,\"label\":1,\"method\":\"score-cam\",\"y\":0.5,\"o\":0.25,"
        + "\"drop\":50,\"increase\":0,\"deletionAuc\":10,\"insertionAuc\":20,\"energy\":40,\"boxShare\":15,"
        + "\"maskEnergy\":null,\"seconds\":3,\"deletion\":[0.5,0],\"insertion\":[0,0.5]}\n";
    Files.writeString(dir.resolve(ResultsLog.FILE), line);
    EvaluationReport report = EvaluationReport.from(dir);
    assertThat(report.summary("score-cam", "empty")).isNull();
    assertThat(report.summary("score-cam", "seconds").mean()).isEqualTo(3.0);
    assertThat(report.summary("score-cam", "drop").mean()).isEqualTo(50.0);
    assertThat(report.markdown()).contains("Table III").contains("| score-cam | – | 3.00 [");
  }
}
