package dev.sscam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sscam.evaluation.EvaluationConfig;
import dev.sscam.evaluation.ImageResult;
import dev.sscam.evaluation.ResultsLog;
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

    // An evaluation of the same model includes the study's Table IV: given with --study, or found in EVAL/study.
    String sha;
    try (StudyDatabase db = StudyDatabase.open(study)) {
      sha = db.provenance().get("model_sha256");
    }
    Path eval = evaluation(dir.resolve("eval"), sha);
    CliTest.Run withStudy = CliTest.sscam("report", "--from", eval.toString(), "--study", study.toString());
    assertThat(withStudy.code()).as(withStudy.err()).isZero();
    assertThat(Files.readString(eval.resolve("report.md"))).contains("# sscam evaluation").contains("## Table IV: human trust")
        .contains("No answers yet").contains("## Provenance");
    assertThat(Files.readString(eval.resolve("report.html"))).contains("<section class=\"human-trust\">")
        .contains("<h2>Provenance</h2>").endsWith("</html>\n");
    Files.move(study, eval.resolve("study"));
    assertThat(CliTest.sscam("report", "--from", eval.toString()).code()).isZero();
    assertThat(Files.readString(eval.resolve("report.md"))).contains("## Table IV: human trust");
    // another model's evaluation: refused when asked for, left out (with a note) when only found
    Path other = evaluation(dir.resolve("other"), "0".repeat(64));
    CliTest.Run refused = CliTest.sscam("report", "--from", other.toString(), "--study", eval.resolve("study").toString());
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.err()).contains("only added for the same model");
    Files.move(eval.resolve("study"), other.resolve("study"));
    CliTest.Run noted = CliTest.sscam("report", "--from", other.toString());
    assertThat(noted.code()).isZero();
    assertThat(noted.err()).contains("its Table IV is not added");
    assertThat(Files.readString(other.resolve("report.md"))).doesNotContain("Table IV");
  }

  /** A one-image evaluation folder of model {@code sha}, written through the evaluation's own log. */
  private static Path evaluation(Path eval, String sha) {
    EvaluationConfig config = new EvaluationConfig(sha, List.of("grad-cam", "score-cam"), 1, 0, 10, 2, 224, "d", "h", "paper");
    try (ResultsLog log = ResultsLog.open(eval, config)) {
      for (String m : List.of("grad-cam", "score-cam")) {
        log.append(new ImageResult("a", 1, 1, m, 0.5, 0.4, 20, 0, 10, 40, null, null, null, null, 1,
            new double[] {0.5, 0.1}, new double[] {0, 1}));
      }
    }
    return eval;
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

  /** Off a terminal, create prints a line per image with the time left; --fast is taken and recorded. */
  @Test
  void createShowsProgressAndTakesFast() throws Exception {
    Path study = dir.resolve("fast");
    Path images = CliTest.exampleImage().getParent();
    CliTest.Run c = CliTest.sscam("study", "create", images.resolve("FS2026_val_00000001.JPEG").toString(),
        images.resolve("FS2026_val_00000002.JPEG").toString(), "--methods", "grad-cam,score-cam", "--fast",
        "--out", study.toString());
    assertThat(c.code()).as(c.err()).isZero();
    assertThat(c.err()).containsPattern("study: 1 of 2 images, \\d+m\\d\\ds elapsed, ETA \\d+m\\d\\ds\n")
        .contains("study: 2 of 2 images, ").contains("ETA 0m00s");
    assertThat(c.out()).contains("2 images x 2 methods (fast mode)");
    try (StudyDatabase db = StudyDatabase.open(study)) {
      assertThat(db.provenance().get("options")).contains("\"fast-tolerance\":0.02");
    }

    // the same study served on a busy port: one line, no stack trace
    try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      CliTest.Run serve = CliTest.sscam("study", "serve", study.toString(), "--port", String.valueOf(busy.getLocalPort()));
      assertThat(serve.code()).isEqualTo(1);
      assertThat(serve.err()).isEqualTo("sscam: port " + busy.getLocalPort() + " is in use; choose another with --port\n");
    }
  }

  /**
   * Help texts do not break mid-sentence: every paragraph of a description (an element of picocli's
   * description array, which starts a new line) ends a sentence, so picocli's own wrapping is the only one.
   */
  @Test
  void helpParagraphsAreWholeSentences() {
    // every command, so that picocli does all the wrapping and no help line breaks mid-sentence
    List<CommandLine> commands = new java.util.ArrayList<>(List.of(new CommandLine(new Main())));
    for (int i = 0; i < commands.size(); i++) {
      commands.addAll(commands.get(i).getSubcommands().values());
    }
    java.util.Set<String> seen = new java.util.HashSet<>();
    List<String> broken = new java.util.ArrayList<>();
    for (CommandLine c : commands) {
      if (!seen.add(c.getCommandSpec().qualifiedName())) {
        continue; // help subcommands appear under several parents
      }
      List<String> paragraphs = new java.util.ArrayList<>(List.of(c.getCommandSpec().usageMessage().description()));
      c.getCommandSpec().options().forEach(o -> paragraphs.addAll(List.of(o.description())));
      c.getCommandSpec().positionalParameters().forEach(o -> paragraphs.addAll(List.of(o.description())));
      for (String p : paragraphs) {
        if (!p.replace("%n", "").strip().matches("(?s).*[.:!?][)\"']?")) {
          broken.add(c.getCommandSpec().qualifiedName() + ": " + p);
        }
      }
    }
    assertThat(broken).as("help paragraphs that end mid-sentence").isEmpty();
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
