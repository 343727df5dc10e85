package dev.sscam.cam;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sscam.io.Npy;
import dev.sscam.testing.Pearson;
import dev.sscam.model.OnnxClassifier;
import dev.sscam.testing.SharedData;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parity with PyTorch: torchcam's Grad-CAM (under either preset), the paper's Grad-CAM++ with
 * autograd, and torchcam's Score-CAM (the {@code torchcam} preset) on the shared models
 * (shared/fixtures/reference).
 */
class ReferenceParityTest {

  static Stream<Arguments> cases() {
    Stream.Builder<Arguments> b = Stream.builder();
    for (String model : new String[] {"squeezenet1_0", "resnet18h"}) {
      for (String image : new String[] {"FS2026_val_00000002", "FS2026_val_00000003", "FS2026_val_00000004"}) {
        b.add(Arguments.of(model, image, "GradCAM", "grad-cam", "paper"));
        // torchcam softmaxes only score weights: its Grad-CAM is the same under the torchcam preset.
        b.add(Arguments.of(model, image, "GradCAM", "grad-cam", "torchcam"));
        b.add(Arguments.of(model, image, "GradCAMppPaper", "grad-cam++", "paper"));
        b.add(Arguments.of(model, image, "ScoreCAM", "score-cam", "torchcam"));
      }
    }
    return b.build();
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("cases")
  void mapsMatchTheReference(String model, String image, String refName, String method, String preset) {
    Path modelFile = SharedData.require("models/" + model + ".onnx");
    Path dir = SharedData.require("fixtures/reference/" + model);
    float[] x = Npy.read(dir.resolve(image + ".input.npy")).data();
    float[] ref = Npy.read(dir.resolve(image + "." + refName + ".cam.npy")).data();
    try (OnnxClassifier m = OnnxClassifier.open(modelFile, 32, 0)) {
      CamOptions o = CamOptions.builder().preset(preset).batchSize(32).build();
      SaliencyMap s = new Explainer(m).explain(x, Methods.byId(method), o);
      assertThat(s.cam()).hasSameSizeAs(ref);
      assertThat(Pearson.r(s.cam(), ref)).as("Pearson r").isGreaterThanOrEqualTo(0.999);
      double maxDiff = 0;
      for (int i = 0; i < ref.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(s.cam()[i] - ref[i]));
      }
      assertThat(maxDiff).as("max |diff|").isLessThanOrEqualTo(1e-3);
    }
  }
}
