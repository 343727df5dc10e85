package dev.sscam.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sscam.SscamException;
import dev.sscam.cam.Methods;
import dev.sscam.model.OnnxClassifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled mini dataset and SqueezeNet: a real run, resumed. */
class EvaluationResumeTest {
  static final Path DATA = Path.of("../examples/fashion-scenes-mini");
  static final Path MODEL = Path.of("../examples/models/squeezenet1_0.onnx");

  @TempDir Path out;

  Evaluation.Settings settings(int images, int step) {
    return new Evaluation.Settings(DATA, Methods.parse(List.of("grad-cam,score-cam")), images, 11, 10, 2, step, out, "paper");
  }

  @Test
  void resumeComputesOnlyTheNewImageAndKeepsEarlierLinesByteIdentical() throws Exception {
    try (OnnxClassifier model = OnnxClassifier.open(MODEL, 16, 0)) {
      List<ImageResult> fresh = new ArrayList<>();
      int first = Evaluation.run(model, settings(2, 5000), msg -> { }, (d, t, r) -> { if (r != null) fresh.add(r); });
      assertThat(first).isEqualTo(4);
      byte[] before = Files.readAllBytes(out.resolve(ResultsLog.FILE));

      // Independent checks of the per-image figures from their definitions.
      for (ImageResult r : fresh) {
        assertThat(r.drop()).isCloseTo(100 * Math.max(0, r.y() - r.o()) / r.y(), within(1e-9));
        assertThat(r.increase()).isEqualTo(r.y() < r.o() ? 1 : 0);
        // 224·224 = 50176 pixels in steps of 5000 → 11 steps, 12 points; both curves start/end at known states.
        assertThat(r.deletion()).hasSize(12);
        assertThat(r.insertion()).hasSize(12);
        assertThat(r.deletion()[0]).isCloseTo(r.y(), within(1e-5));
        assertThat(r.insertion()[11]).isCloseTo(r.y(), within(1e-5));
        assertThat(r.energy()).isNotNull().isBetween(0.0, 100.0);
        assertThat(r.boxShare()).isBetween(0.0, 100.0);
        // An empty map has no energy anywhere, so none on the box either.
        assertThat(r.emptyMap()).isNotNull();
        if (r.emptyMap()) {
          assertThat(r.energy()).isZero();
        }
      }
      // Y is the same probability for both methods of an image.
      assertThat(fresh.get(0).y()).isEqualTo(fresh.get(1).y());

      assertThatThrownBy(() -> Evaluation.run(model, settings(2, 6000), msg -> { }, (d, t, r) -> { }))
          .isInstanceOf(SscamException.class).hasMessageContaining("different step");

      List<String> computed = new ArrayList<>();
      int second = Evaluation.run(model, settings(3, 5000), msg -> { }, (d, t, r) -> { if (r != null) computed.add(r.image()); });
      assertThat(second).isEqualTo(2);
      assertThat(computed).hasSize(2).allMatch(id -> id.equals(computed.get(0)));
      assertThat(fresh).noneMatch(r -> r.image().equals(computed.get(0)));
      byte[] after = Files.readAllBytes(out.resolve(ResultsLog.FILE));
      assertThat(Arrays.copyOf(after, before.length)).isEqualTo(before);
      assertThat(ResultsLog.read(out.resolve(ResultsLog.FILE))).hasSize(6);
      assertThat(EvaluationConfig.read(out.resolve(EvaluationConfig.FILE)).images()).isEqualTo(3);

      EvaluationReport.from(out).write(out);
      assertThat(Files.readString(out.resolve("report.md"))).contains("| score-cam |");
    }
  }
}
