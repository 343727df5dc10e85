package dev.sscam.cam.gradient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sscam.cam.CamOptions;
import dev.sscam.cam.Explainer;
import dev.sscam.cam.TestModels;
import dev.sscam.model.OnnxClassifier;
import org.junit.jupiter.api.Test;

/** Smooth Grad-CAM++'s input noise is drawn once per seed and reused across images. */
class SmoothingNoiseTest {
  @Test
  void theTermsAreNormalWithTheGivenSigmaAndDifferPerCopyAndSeed() {
    float[] t = SmoothingNoise.terms(901, 7, 0, 0.3, 150_528);
    double sum = 0;
    double squares = 0;
    for (float v : t) {
      sum += v;
      squares += (double) v * v;
    }
    double mean = sum / t.length;
    // Mean of 150,528 draws of N(0, 0.09): standard error 0.3 / 388 = 0.00077.
    assertThat(mean).isCloseTo(0, within(0.004));
    assertThat(Math.sqrt(squares / t.length - mean * mean)).isCloseTo(0.3, within(0.003));
    assertThat(SmoothingNoise.terms(901, 7, 0, 0.3, 150_528)).isSameAs(t);
    assertThat(SmoothingNoise.terms(901, 7, 1, 0.3, 150_528)[0]).isNotEqualTo(t[0]);
    assertThat(SmoothingNoise.terms(902, 7, 0, 0.3, 150_528)[0]).isNotEqualTo(t[0]);
    // A different σ scales the same draws.
    assertThat(SmoothingNoise.terms(901, 7, 0, 0.6, 150_528)[5]).isCloseTo(2 * t[5], within(1e-6f));
  }

  @Test
  void onlyTheLastFewSetsAreKept() {
    for (int copy = 0; copy < SmoothingNoise.KEPT + 5; copy++) {
      SmoothingNoise.terms(77, 3, copy, 1.0, 10);
    }
    assertThat(SmoothingNoise.kept()).isEqualTo(SmoothingNoise.KEPT);
  }

  /**
   * The kept noise carries nothing of the image it was first drawn for: image A's map after image B
   * drew the noise is the map of A drawn afresh.
   */
  @Test
  void aMapWithKeptNoiseIsTheMapWithFreshNoise() {
    CamOptions o = CamOptions.builder().seed(4_242).smoothSamples(3).smoothSigma(0.5).build();
    try (OnnxClassifier m = TestModels.convGapLinear(null, 1f)) {
      float[] a = TestModels.image(21);
      float[] b = TestModels.image(22);
      Explainer e = new Explainer(m);
      SmoothingNoise.forget();
      float[] fresh = e.explain(a, new SmoothGradCamPlusPlus(), o).cam();
      SmoothingNoise.forget();
      e.explain(b, new SmoothGradCamPlusPlus(), o);
      float[] kept = e.explain(a, new SmoothGradCamPlusPlus(), o).cam();
      assertThat(kept).containsExactly(fresh);
      // And the noise matters: another seed gives another map.
      float[] other = e.explain(a, new SmoothGradCamPlusPlus(), CamOptions.builder().seed(4_243).smoothSamples(3)
          .smoothSigma(0.5).build()).cam();
      assertThat(other).isNotEqualTo(fresh);
    }
  }
}
