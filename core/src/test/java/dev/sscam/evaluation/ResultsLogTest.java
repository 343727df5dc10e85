package dev.sscam.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sscam.SscamException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsLogTest {
  @TempDir Path dir;

  static EvaluationConfig config(int samples, double sigma) {
    return new EvaluationConfig("abc", List.of("grad-cam", "score-cam"), 2, 7, samples, sigma, 224, "data", "h", "paper");
  }

  static ImageResult result(String image, String method, double y, double o) {
    return new ImageResult(image, 3, 3, method, y, o, 100 * Math.max(0, y - o) / y, y < o ? 1 : 0, 10, 20,
        50.0, 25.0, null, false, 0.5, new double[] {y, 0}, new double[] {0, y});
  }

  @Test
  void differentConfigurationIsRefusedNamingTheOptions() {
    try (ResultsLog log = ResultsLog.open(dir, config(10, 2))) {
      log.append(result("a", "grad-cam", 0.5, 0.25));
    }
    assertThatThrownBy(() -> ResultsLog.open(dir, config(10, 3)))
        .isInstanceOf(SscamException.class).hasMessageContaining("different sigma").hasMessageNotContaining("samples");
    assertThatThrownBy(() -> ResultsLog.open(dir, config(5, 3)))
        .isInstanceOf(SscamException.class).hasMessageContaining("samples, sigma");
    EvaluationConfig torchcam = new EvaluationConfig("abc", List.of("grad-cam", "score-cam"), 2, 7, 10, 2, 224, "data", "h", "torchcam");
    assertThatThrownBy(() -> ResultsLog.open(dir, torchcam))
        .isInstanceOf(SscamException.class).hasMessageContaining("different preset");
    // A larger image count with the same options resumes.
    EvaluationConfig more = new EvaluationConfig("abc", List.of("grad-cam", "score-cam"), 3, 7, 10, 2, 224, "data", "h2", "paper");
    try (ResultsLog log = ResultsLog.open(dir, more)) {
      assertThat(log.isDone("a", "grad-cam")).isTrue();
      assertThat(log.isDone("a", "score-cam")).isFalse();
    }
    assertThat(EvaluationConfig.read(dir.resolve(EvaluationConfig.FILE))).isEqualTo(more);
  }

  @Test
  void tornLastLineIsIgnoredAndCutBeforeAppending() throws Exception {
    try (ResultsLog log = ResultsLog.open(dir, config(10, 2))) {
      log.append(result("a", "grad-cam", 0.5, 0.25));
      log.append(result("a", "score-cam", 0.5, 0.75));
    }
    Path file = dir.resolve(ResultsLog.FILE);
    byte[] before = Files.readAllBytes(file);
    Files.writeString(file, "{\"image\":\"b\",\"cls\":3,\"la", StandardOpenOption.APPEND);
    List<ImageResult> read = ResultsLog.read(file);
    assertThat(read).extracting(ImageResult::method).containsExactly("grad-cam", "score-cam");
    assertThat(read.get(0).drop()).isEqualTo(50.0);
    assertThat(read.get(1).increase()).isEqualTo(1);
    assertThat(read.get(0).maskEnergy()).isNull();
    assertThat(read.get(0).deletion()).containsExactly(0.5, 0.0);
    try (ResultsLog log = ResultsLog.open(dir, config(10, 2))) {
      assertThat(log.isDone("b", "grad-cam")).isFalse();
      log.append(result("b", "grad-cam", 0.4, 0.1));
    }
    byte[] after = Files.readAllBytes(file);
    String tail = new String(after, before.length, after.length - before.length, StandardCharsets.UTF_8);
    assertThat(new String(after, 0, before.length, StandardCharsets.UTF_8)).isEqualTo(new String(before, StandardCharsets.UTF_8));
    assertThat(tail).startsWith("{\"image\":\"b\"").endsWith("}\n").doesNotContain("\"la\n");
    assertThat(ResultsLog.read(file)).hasSize(3);
  }

  @Test
  void skipLinesAreWrittenOnceAndReadBesideResults() throws Exception {
    try (ResultsLog log = ResultsLog.open(dir, config(10, 2))) {
      log.append(result("a", "grad-cam", 0.5, 0.25));
      log.append(new SkippedItem("b", "cannot read b.JPEG:\n  not an image"));
      log.append(new SkippedItem("b", "again"));
      assertThat(log.isSkipped("b")).isTrue();
      assertThat(log.isSkipped("a")).isFalse();
    }
    Path file = dir.resolve(ResultsLog.FILE);
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(1)).isEqualTo("{\"image\":\"b\",\"skipped\":\"cannot read b.JPEG: not an image\"}");
    // A skip line written by another run (or by hand) for the same image is still one skip.
    Files.writeString(file, "{\"skipped\":\"later\",\"image\":\"b\"}\n", StandardOpenOption.APPEND);
    ResultsLog.Contents all = ResultsLog.readAll(file);
    assertThat(all.results()).extracting(ImageResult::image).containsExactly("a");
    assertThat(all.skipped()).containsExactly(new SkippedItem("b", "cannot read b.JPEG: not an image"));
    assertThat(ResultsLog.read(file)).hasSize(1);
    try (ResultsLog log = ResultsLog.open(dir, config(10, 2))) {
      assertThat(log.isSkipped("b")).isTrue();
      assertThat(log.skipped()).hasSize(1);
      assertThat(log.results()).hasSize(1);
    }
  }
}
