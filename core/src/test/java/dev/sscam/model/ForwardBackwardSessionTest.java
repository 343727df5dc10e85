package dev.sscam.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sscam.cam.TestModels;
import dev.sscam.io.Npy;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The merged forward-backward session ({@code ForwardBackwardSession}) gives the gradients of the
 * two-session path (the model's forward run, then the head's gradient graph), on today's layouts at
 * their default layers (opset 17, and the ViT at opset 14, brought to 18 by the opset upgrade), on
 * the trained ViT, and on an opset-13 CNN built here; and a class chosen from the logits that is not
 * the top-1 the merged run seeded sends the batch back through the two sessions.
 */
class ForwardBackwardSessionTest {
  static Stream<Path> models() {
    return Stream.concat(ModernClassifiersTest.models().map(m -> ModernClassifiersTest.resource(m + ".onnx")),
        Stream.of(TrainedVitTest.MODEL));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void mergedGradientsEqualTheTwoSessionOnes(Path model) {
    try (OnnxClassifier m = OnnxClassifier.open(model, 8, 0)) {
      checkMergedAgainstTwoSessions(m, m.layers().defaultLayer(), 3);
    }
  }

  @Test
  void anOpset13ModelIsUpgradedAndMerged() {
    try (OnnxClassifier m = TestModels.convGapLinear(null, 1f)) {
      checkMergedAgainstTwoSessions(m, m.layers().defaultLayer(), 2);
    }
  }

  private static void checkMergedAgainstTwoSessions(OnnxClassifier m, TargetLayer layer, int n) {
    float[] x = images(m, n);
    int[] classes = new int[n];
    for (int i = 0; i < n; i++) {
      classes[i] = (i * 7 + 1) % m.numClasses();
    }
    LayerGradients first = m.gradients(x, n, layer, classes);
    assertThat(m.mergedGradientShapes(layer)).as("one sighting builds nothing").isZero();
    m.gradients(x, n, layer, classes);
    assertThat(m.mergedGradientShapes(layer)).as("the second sighting builds the merged session").isEqualTo(1);
    LayerGradients merged = m.gradients(x, n, layer, classes);
    assertClose(merged.gradients(), first.gradients());
    assertClose(merged.activations(), first.activations());
    for (int i = 0; i < n; i++) {
      assertClose(merged.logits()[i], first.logits()[i]);
    }

    // top-1, seeded inside the merged run: the gradient of each image's own argmax
    LayerGradients top = m.gradients(x, n, layer, new OnnxClassifier.ClassChoice() {
      @Override
      public int of(int image, float[] z) {
        return argmax(z);
      }

      @Override
      public int known(int image) {
        return TOP_ONE;
      }
    });
    int[] argmax = new int[n];
    for (int i = 0; i < n; i++) {
      argmax[i] = argmax(first.logits()[i]);
    }
    // the reference: a fresh classifier, whose first call runs the two sessions
    try (OnnxClassifier fresh = OnnxClassifier.open(m.file(), m.card(), 8, 0)) {
      assertClose(top.gradients(), fresh.gradients(x, n, layer, argmax).gradients());
    }
  }

  @Test
  void theFirstImagesClassIsSeededForTheOthersInTheSameRun() throws java.io.IOException {
    Path vit = TrainedVitTest.MODEL;
    try (OnnxClassifier m = OnnxClassifier.open(vit, 8, 0); OnnxClassifier ref = OnnxClassifier.open(vit, 8, 0)) {
      TargetLayer layer = m.layers().defaultLayer();
      // two scenes of the trained ViT's fixtures (different top-1 classes), then two random images
      float[] x = images(m, 4);
      for (int i = 0; i < 2; i++) {
        float[] scene = Npy.read(TrainedModelFixtures.resource("vit_t16s", i + ".input.npy")).data();
        System.arraycopy(scene, 0, x, i * m.imageSize(), scene.length);
      }
      float[][] z = ref.logits(x, 4);
      int c = argmax(z[0]);
      // the copies' own top-1 classes differ from image 0's, or the test would not tell
      assertThat(java.util.stream.IntStream.range(1, 4).map(i -> argmax(z[i]))).anyMatch(k -> k != c);
      float[] expected = ref.gradients(x, 4, layer, new int[] {c, c, c, c}).gradients();
      for (int k = 0; k < 3; k++) { // two sessions twice, then merged
        assertClose(m.gradients(x, 4, layer, OnnxClassifier.ClassChoice.ofFirstImage(-1)).gradients(), expected);
      }
      assertThat(m.mergedGradientShapes(layer)).isEqualTo(1);
      int requested = (c + 3) % m.numClasses();
      assertClose(m.gradients(x, 4, layer, OnnxClassifier.ClassChoice.ofFirstImage(requested)).gradients(),
          ref.gradients(x, 4, layer, new int[] {requested, requested, requested, requested}).gradients());
    }
  }

  @Test
  void aChoiceThatIsNotTheSeededTopOneRunsTheTwoSessions() {
    Path vit = TrainedVitTest.MODEL;
    try (OnnxClassifier m = OnnxClassifier.open(vit, 8, 0); OnnxClassifier ref = OnnxClassifier.open(vit, 8, 0)) {
      TargetLayer layer = m.layers().defaultLayer();
      float[] x = images(m, 2);
      int[] top = {0, 0};
      for (int k = 0; k < 2; k++) {
        top = new int[] {argmax(m.gradients(x, 2, layer, top).logits()[0]), 0};
      }
      assertThat(m.mergedGradientShapes(layer)).isEqualTo(1);
      // the least likely class: chosen from the logits, so unknown before the run
      LayerGradients lowest = m.gradients(x, 2, layer, new OnnxClassifier.ClassChoice() {
        @Override
        public int of(int image, float[] z) {
          return argmin(z);
        }

        @Override
        public int known(int image) {
          return TOP_ONE; // a wrong guess: the merged run's top-1 is thrown away
        }
      });
      float[][] z = lowest.logits();
      int[] expected = {argmin(z[0]), argmin(z[1])};
      assertThat(expected[0]).isNotEqualTo(argmax(z[0]));
      assertClose(lowest.gradients(), ref.gradients(x, 2, layer, expected).gradients());
    }
  }

  private static float[] images(OnnxClassifier m, int n) {
    Random rnd = new Random(17);
    float[] x = new float[n * m.imageSize()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    return x;
  }

  private static int argmax(float[] z) {
    int best = 0;
    for (int i = 1; i < z.length; i++) {
      if (z[i] > z[best]) {
        best = i;
      }
    }
    return best;
  }

  private static int argmin(float[] z) {
    int best = 0;
    for (int i = 1; i < z.length; i++) {
      if (z[i] < z[best]) {
        best = i;
      }
    }
    return best;
  }

  /** Equal up to float rounding: the two paths run the same ops, perhaps fused differently by ONNX Runtime. */
  private static void assertClose(float[] actual, float[] expected) {
    assertThat(actual).hasSameSizeAs(expected);
    double scale = 0;
    for (float v : expected) {
      scale = Math.max(scale, Math.abs(v));
    }
    double worst = 0;
    for (int i = 0; i < actual.length; i++) {
      worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
    }
    assertThat(worst).as("max |difference| against max |value| %s", scale).isLessThanOrEqualTo(1e-5 * scale + 1e-7);
  }
}
