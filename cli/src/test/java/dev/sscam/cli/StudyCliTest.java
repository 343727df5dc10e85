package dev.sscam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sscam.study.StudyDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sscam study create|serve|report} on the command line. */
class StudyCliTest {
  @TempDir Path dir;

  @BeforeAll
  static void home() {
    System.setProperty("sscam.home", Path.of("").toAbsolutePath().getParent().toString());
  }

  @Test
  void createThenReportOnTheBundledExample() throws Exception {
    Path study = dir.resolve("s");
    CliTest.Run c = CliTest.sscam("study", "create", CliTest.exampleImage().toString(), "--methods", "grad-cam,grad-cam++",
        "--out", study.toString(), "-q", "--seed", "5");
    assertThat(c.code()).as(c.err()).isZero();
    assertThat(c.out()).contains("1 images x 2 methods");
    try (StudyDatabase db = StudyDatabase.open(study)) {
      assertThat(db.methods()).containsExactly("grad-cam", "grad-cam++");
      assertThat(db.provenance().get("seed")).isEqualTo("5");
      assertThat(db.provenance().get("options")).contains("\"seed\":5").contains("\"samples\":35");
    }
    // a study is never overwritten
    CliTest.Run again = CliTest.sscam("study", "create", CliTest.exampleImage().toString(), "--methods", "grad-cam,grad-cam++",
        "--out", study.toString(), "-q");
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).contains("already exists");
    CliTest.Run r = CliTest.sscam("study", "report", study.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Files.readString(study.resolve("report.md"))).contains("No answers yet").contains("trials: 1");
    assertThat(study.resolve("report.html")).exists();
    assertThat(study.resolve("report.csv")).exists();
  }

  @Test
  void createNeedsDataOrImagesAndReportNeedsAStudy() {
    CliTest.Run none = CliTest.sscam("study", "create", "--out", dir.resolve("x").toString());
    assertThat(none.code()).isEqualTo(1);
    assertThat(none.err()).contains("either --data DIR or image files");
    CliTest.Run notStudy = CliTest.sscam("study", "report", dir.toString());
    assertThat(notStudy.code()).isEqualTo(1);
    assertThat(notStudy.err()).contains("is not a study folder");
  }

  @Test
  void serveBindsToLoopbackByDefault() {
    StudyServeCommand serve = new StudyServeCommand();
    new CommandLine(serve).parseArgs("some-study");
    assertThat(serve.host).isEqualTo("127.0.0.1");
    for (String command : List.of("create", "serve", "report")) {
      CliTest.Run h = CliTest.sscam("study", command, "--help");
      assertThat(h.code()).isZero();
      assertThat(h.out()).startsWith("Usage: sscam study " + command);
    }
  }
}
