package dev.sscam.cam;

import dev.sscam.testing.Pearson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sscam.io.Npy;
import dev.sscam.model.OnnxClassifier;
import dev.sscam.testing.SharedData;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parity with the SS-CAM authors' released code (an independent PyTorch transcription,
 * shared/fixtures/reference/MODEL/authors; for the project's vgg16s, {@code
 * tools/export_authors_fixture.py}'s under src/test/resources/vgg16s/authors): sscam's default reading, N = 10, σ = 2, against the
 * code's E maps. Score-CAM has no noise and must match closely; SS-CAM draws other random numbers
 * from the same distribution, so only the correlation is held to account.
 */
class AuthorsParityTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("resnet18h", "FS2026_val_00000002"),
        Arguments.of("resnet18h", "FS2026_val_00000003"),
        Arguments.of("squeezenet1_0", "FS2026_val_00000002"),
        // the project's VGG-16 stand-in: its reference is tools/export_authors_fixture.py's transcription
        Arguments.of("vgg16s", "FS2026_val_00000002"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void defaultReadingMatchesTheAuthorsCode(String model, String image) {
    try (Fixture f = Fixture.open(model, image)) {
      CamOptions o = CamOptions.builder().samples(10).sigma(2).seed(11).batchSize(32).build();
      assertThat(o.preset()).isEqualTo(Preset.AUTHORS);

      float[] score = f.explain("score-cam", o);
      float[] scoreRef = f.reference("ScoreCAM");
      double r0 = Pearson.r(score, scoreRef);
      double d0 = maxAbsDiff(score, scoreRef);
      double r1 = Pearson.r(f.explain("ss-cam-1", o), f.reference("SSCAM1"));
      double r2 = Pearson.r(f.explain("ss-cam-2", o), f.reference("SSCAM2"));
      System.err.printf("[sscam] authors parity %s %s: Score-CAM r=%.6f max|diff|=%.2e, SS-CAM (1) r=%.6f,"
          + " SS-CAM (2) r=%.6f%n", model, image, r0, d0, r1, r2);
      assertThat(r0).as("Score-CAM Pearson r").isGreaterThanOrEqualTo(0.999);
      assertThat(d0).as("Score-CAM max |diff|").isLessThanOrEqualTo(1e-3);
      assertThat(r1).as("SS-CAM (1) Pearson r").isGreaterThanOrEqualTo(0.999);
      assertThat(r2).as("SS-CAM (2) Pearson r").isGreaterThanOrEqualTo(0.995);
    }
  }

  /**
   * The thresholds have teeth: with noise of std {@code σ_k} instead of {@code σ_k²} (the released
   * code's scale before it is squared), SS-CAM (2) on ResNet-18h falls below its threshold.
   */
  @Test
  void anUnsquaredNoiseScaleFailsTheThreshold() {
    try (Fixture f = Fixture.open("resnet18h", "FS2026_val_00000002")) {
      CamOptions wrong = CamOptions.builder().samples(10).sigma(2).seed(11).batchSize(32)
          .option("noise-scale", "range").build();
      double r1 = Pearson.r(f.explain("ss-cam-1", wrong), f.reference("SSCAM1"));
      double r2 = Pearson.r(f.explain("ss-cam-2", wrong), f.reference("SSCAM2"));
      System.err.printf("[sscam] authors parity with unsquared noise: SS-CAM (1) r=%.6f, SS-CAM (2) r=%.6f%n", r1, r2);
      assertThat(r1 < 0.999 || r2 < 0.995).as("SS-CAM (1) r = %.5f, SS-CAM (2) r = %.5f", r1, r2).isTrue();
    }
  }

  static double maxAbsDiff(float[] a, float[] b) {
    assertThat(a).hasSameSizeAs(b);
    double d = 0;
    for (int i = 0; i < a.length; i++) {
      d = Math.max(d, Math.abs(a[i] - b[i]));
    }
    return d;
  }

  /** One model and fixture image. */
  record Fixture(OnnxClassifier model, Path dir, String image, float[] input) implements AutoCloseable {
    static Fixture open(String model, String image) {
      Path project = Path.of("../models/" + model + ".onnx");
      boolean own = java.nio.file.Files.exists(project);
      Path modelFile = own ? project : SharedData.require("models/" + model + ".onnx");
      Path dir = own ? projectFixtures(model) : SharedData.require("fixtures/reference/" + model + "/authors");
      float[] x = Npy.read(dir.resolve(image + ".input.npy")).data();
      return new Fixture(OnnxClassifier.open(modelFile, 32, 0), dir, image, x);
    }

    /** A model the project trained and ships: its reference maps are test resources. */
    private static Path projectFixtures(String model) {
      try {
        return Path.of(AuthorsParityTest.class.getResource("/" + model + "/authors").toURI());
      } catch (java.net.URISyntaxException e) {
        throw new IllegalStateException(e);
      }
    }

    float[] explain(String method, CamOptions o) {
      return new Explainer(model).explain(input, Methods.byId(method), o).explanation();
    }

    float[] reference(String name) {
      return Npy.read(dir.resolve(image + "." + name + ".authors.npy")).data();
    }

    @Override
    public void close() {
      model.close();
    }
  }
}
