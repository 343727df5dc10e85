package dev.sscam.cam;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sscam.cam.score.SsCam;

import dev.sscam.model.OnnxClassifier;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Same seed, same map, bit for bit, whatever the batch size and ONNX Runtime thread count, on the
 * bundled SqueezeNet1.0 (a real model: 512 channels, 13×13 feature maps).
 */
class DeterminismTest {
  private static final Path EXAMPLES = Path.of("").toAbsolutePath().getParent().resolve("examples");

  @Test
  void ssCamIsIdenticalAcrossBatchSizesAndThreadCounts() {
    Path model = EXAMPLES.resolve("models/squeezenet1_0.onnx");
    Path image = EXAMPLES.resolve("fashion-scenes-mini/val/images/FS2026_val_00000003.JPEG");
    float[] first = null;
    int[][] settings = {{16, 2}, {5, 1}};
    for (int[] s : settings) {
      try (OnnxClassifier m = OnnxClassifier.open(model, s[0], s[1])) {
        float[] x = m.card().preprocessing().apply(image);
        CamOptions o = CamOptions.builder().preset(Preset.TORCHCAM).samples(1).sigma(2).seed(5).batchSize(s[0]).build();
        SaliencyMap map = new Explainer(m).explain(x, new SsCam(Smoothing.MASK), o);
        assertThat(map.allZero()).isFalse();
        if (first == null) {
          first = map.explanation();
        } else {
          assertThat(map.explanation()).as("batch %d, %d threads", s[0], s[1]).containsExactly(first);
        }
      }
    }
  }
}
