package dev.sscam.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sscam.Progress;
import dev.sscam.cam.CamContext;
import dev.sscam.cam.CamMethod;
import dev.sscam.cam.CamOptions;
import dev.sscam.cam.ChannelWeights;
import dev.sscam.cam.TestModels;
import dev.sscam.cam.gradient.GradCam;
import dev.sscam.cam.score.ScoreCam;
import dev.sscam.data.DatasetItem;
import dev.sscam.metrics.DeletionInsertion;
import dev.sscam.metrics.GaussianBlur;
import dev.sscam.model.OnnxClassifier;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageEvaluationTest {
  @Test
  void maskingMultipliesEveryChannelByTheMap() {
    float[] x = {1, 2, 3, 4, 5, 6};  // 3 channels × 2 pixels
    float[] e = {0.5f, 0};
    assertThat(ImageEvaluation.masked(x, e)).containsExactly(0.5f, 0, 1.5f, 0, 2.5f, 0);
  }

  /** Grad-CAM's weights under another name: its map is Grad-CAM's, float for float. */
  static final class GradCamCopy implements CamMethod {
    @Override
    public String id() {
      return "grad-cam-copy";
    }

    @Override
    public String title() {
      return "Grad-CAM (copy)";
    }

    @Override
    public ChannelWeights weights(CamContext ctx) {
      return new GradCam().weights(ctx);
    }

    @Override
    public boolean readsGradientOfInput() {
      return true;
    }
  }

  static DatasetItem item(String id) {
    return new DatasetItem(id, Path.of(id + ".png"), 0, 8, 8, List.of(), null);
  }

  static ImageEvaluation evaluation(OnnxClassifier m) {
    return new ImageEvaluation(m, CamOptions.builder().seed(3).build(), new DeletionInsertion(4, 16, new GaussianBlur()));
  }

  static void assertSameFigures(ImageResult got, ImageResult want) {
    assertThat(got.method()).isEqualTo(want.method());
    assertThat(got.image()).isEqualTo(want.image());
    assertThat(new double[] {got.y(), got.o(), got.drop(), got.increase(), got.deletionAuc(), got.insertionAuc()})
        .containsExactly(want.y(), want.o(), want.drop(), want.increase(), want.deletionAuc(), want.insertionAuc());
    assertThat(got.deletion()).containsExactly(want.deletion());
    assertThat(got.insertion()).containsExactly(want.insertion());
  }

  /**
   * A map identical to one already scored on the image is not scored again, and gets the figures a
   * fresh scoring gives it; a different map on the same image, or the same map on another image, is
   * scored.
   */
  @Test
  void anIdenticalMapIsScoredOnceWithTheFiguresItWouldGet() {
    try (OnnxClassifier m = TestModels.convGapLinear(null, 1f)) {
      float[] a = TestModels.image(31);
      float[] b = TestModels.image(32);
      ImageEvaluation run = evaluation(m);
      ImageResult gradCam = run.evaluate(item("a"), a, new GradCam(), Progress.NONE);
      ImageResult copy = run.evaluate(item("a"), a, new GradCamCopy(), Progress.NONE);
      assertThat(run.scoredMaps()).as("the copy's map is Grad-CAM's").isEqualTo(1);
      assertSameFigures(copy, evaluation(m).evaluate(item("a"), a, new GradCamCopy(), Progress.NONE));
      assertThat(copy.deletionAuc()).isEqualTo(gradCam.deletionAuc());

      ImageResult score = run.evaluate(item("a"), a, new ScoreCam(), Progress.NONE);
      assertThat(run.scoredMaps()).isEqualTo(2);
      assertSameFigures(score, evaluation(m).evaluate(item("a"), a, new ScoreCam(), Progress.NONE));

      // Another image starts afresh, even with Grad-CAM's own method.
      ImageResult other = run.evaluate(item("b"), b, new GradCamCopy(), Progress.NONE);
      assertThat(run.scoredMaps()).isEqualTo(3);
      assertSameFigures(other, evaluation(m).evaluate(item("b"), b, new GradCamCopy(), Progress.NONE));
      assertThat(other.deletionAuc()).isNotEqualTo(gradCam.deletionAuc());
    }
  }
}
