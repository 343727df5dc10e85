package dev.sscam.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sscam.cam.Methods;
import dev.sscam.model.OnnxClassifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run killed (SIGKILL) mid-way and resumed gives the same results as an uninterrupted run. */
class EvaluationKillTest {
  @TempDir Path tmp;

  static Evaluation.Settings settings(Path out) {
    return new Evaluation.Settings(EvaluationResumeTest.DATA, Methods.parse(List.of("grad-cam,grad-cam++")), 3, 5, 10, 2,
        5000, out, "paper");
  }

  @Test
  void killedAndResumedEqualsUninterrupted() throws Exception {
    Path killed = tmp.resolve("killed");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
        EvaluationChild.class.getName(), killed.toString())
        .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
    Path log = killed.resolve(ResultsLog.FILE);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    try {
      while (System.nanoTime() < deadline && child.isAlive()
          && (!Files.exists(log) || Files.readAllLines(log).size() < 2)) {
        Thread.sleep(20);
      }
    } finally {
      child.destroyForcibly();
      child.waitFor(30, TimeUnit.SECONDS);
    }
    int before = ResultsLog.read(log).size();
    assertThat(before).as("child log: %s", tmp.resolve("child.log")).isBetween(2, 5);

    Path whole = tmp.resolve("whole");
    try (OnnxClassifier model = OnnxClassifier.open(EvaluationResumeTest.MODEL, 16, 1)) {
      int resumed = Evaluation.run(model, settings(killed), msg -> { }, (d, t, r) -> { });
      assertThat(resumed).isEqualTo(6 - before);
      Evaluation.run(model, settings(whole), msg -> { }, (d, t, r) -> { });
    }
    List<ImageResult> a = ResultsLog.read(log);
    List<ImageResult> b = ResultsLog.read(whole.resolve(ResultsLog.FILE));
    assertThat(a).hasSize(6);
    assertThat(b).hasSize(6);
    for (int i = 0; i < 6; i++) {
      ImageResult x = a.get(i);
      ImageResult y = b.get(i);
      assertThat(x.key()).isEqualTo(y.key());
      assertThat(x.cls()).isEqualTo(y.cls());
      assertThat(x.y()).isCloseTo(y.y(), within(1e-6));
      assertThat(x.o()).isCloseTo(y.o(), within(1e-6));
      assertThat(x.deletionAuc()).isCloseTo(y.deletionAuc(), within(1e-4));
      assertThat(x.insertionAuc()).isCloseTo(y.insertionAuc(), within(1e-4));
      assertThat(x.energy()).isCloseTo(y.energy(), within(1e-4));
    }
  }
}
