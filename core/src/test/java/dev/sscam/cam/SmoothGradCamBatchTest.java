package dev.sscam.cam;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sscam.cam.gradient.SmoothGradCamPlusPlus;
import dev.sscam.model.LayerActivations;
import dev.sscam.model.OnnxClassifier;
import dev.sscam.model.TargetLayer;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Smooth Grad-CAM++ through the explainer runs {@code X0} and its noisy copies in one batch
 * ({@link CamMethod#gradientBatch}), the copies taking {@code X0}'s class from the same run; its
 * weights equal those of the copies' gradients computed on their own, after {@code X0}'s pass.
 */
class SmoothGradCamBatchTest {
  @Test
  void weightsFromTheBatchWithX0EqualWeightsFromTheCopiesAlone() {
    CamOptions o = CamOptions.builder().seed(31).smoothSamples(4).smoothSigma(0.3).build();
    try (OnnxClassifier m = OnnxClassifier.open(Path.of("../models/vit_t16s.onnx"), 8, 0)) {
      Random rnd = new Random(5);
      float[] x = new float[m.imageSize()];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) rnd.nextGaussian();
      }
      Explainer explainer = new Explainer(m);
      for (int run = 0; run < 3; run++) { // two sessions, then the merged forward-backward session
        SaliencyMap map = explainer.explain(x, new SmoothGradCamPlusPlus(), o);

        TargetLayer layer = m.layer(null);
        LayerActivations a = m.activations(x, 1, layer);
        int c = explainer.chooseClass(-1, a.logits()[0]);
        assertThat(map.classIndex()).isEqualTo(c);
        CamContext alone = new CamContext(m, layer, x, a.values(), a.logits()[0], c, o, dev.sscam.Progress.NONE);
        float[] expected = new SmoothGradCamPlusPlus().weights(alone).alpha();
        double scale = 0;
        double worst = 0;
        for (int k = 0; k < expected.length; k++) {
          scale = Math.max(scale, Math.abs(expected[k]));
          worst = Math.max(worst, Math.abs(map.weights()[k] - expected[k]));
        }
        assertThat(scale).isPositive();
        assertThat(worst).as("run %d: max |difference| of %s", run, scale).isLessThanOrEqualTo(1e-4 * scale);
      }
    }
  }
}
