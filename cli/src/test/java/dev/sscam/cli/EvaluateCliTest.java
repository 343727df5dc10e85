package dev.sscam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sscam evaluate} and {@code sscam report} on the bundled mini dataset. */
class EvaluateCliTest {
  @TempDir Path dir;

  @BeforeAll
  static void home() {
    System.setProperty("sscam.home", Path.of("").toAbsolutePath().getParent().toString());
  }

  @Test
  void evaluatesResumesRefusesAChangedConfigurationAndReports() throws Exception {
    Path data = BundledExample.home().resolve("examples/fashion-scenes-mini");
    Path out = dir.resolve("eval");
    String[] args = {"evaluate", "--data", data.toString(), "--images", "2", "--methods", "grad-cam,grad-cam++",
        "--step", "12544", "-q", "-o", out.toString()};
    CliTest.Run first = CliTest.sscam(args);
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(Files.readAllLines(out.resolve("results.jsonl"))).hasSize(4);
    byte[] before = Files.readAllBytes(out.resolve("results.jsonl"));

    CliTest.Run again = CliTest.sscam(args);
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(Files.readAllBytes(out.resolve("results.jsonl"))).isEqualTo(before);

    CliTest.Run changed = CliTest.sscam("evaluate", "--data", data.toString(), "--images", "2", "--methods",
        "grad-cam,grad-cam++", "--step", "12544", "--preset", "torchcam", "-q", "-o", out.toString());
    assertThat(changed.code()).isEqualTo(1);
    assertThat(changed.err()).startsWith("sscam: ").contains("preset");

    Files.delete(out.resolve("report.html"));
    CliTest.Run report = CliTest.sscam("report", "--from", out.toString());
    assertThat(report.code()).as(report.err()).isZero();
    String html = Files.readString(out.resolve("report.html"));
    assertThat(html).contains("Table I").contains("grad-cam++").contains("<img").contains("Figure 3");
    assertThat(Files.readString(out.resolve("report.md"))).contains("grad-cam++").contains("versions: sscam");
    // The first images' maps are kept for the Figure-3 grid: 2 images × (input + 2 methods).
    try (java.util.stream.Stream<Path> kept = Files.list(out.resolve("figure"))) {
      assertThat(kept.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("."))).hasSize(6)
          .anyMatch(n -> n.endsWith(".grad-cam++.npy")).anyMatch(n -> n.endsWith(".input.png"));
    }
  }
}
