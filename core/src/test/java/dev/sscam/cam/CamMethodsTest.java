package dev.sscam.cam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sscam.cam.gradient.GradCam;
import dev.sscam.cam.score.ScoreCam;
import dev.sscam.cam.score.SsCam;

import dev.sscam.SscamException;
import dev.sscam.model.OnnxClassifier;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The methods on models whose maps are known by hand. */
class CamMethodsTest {

  /** {@code s(ReLU(Σ_k W[c,k] A_k))} from the test's own convolution: CAM's map, and Grad-CAM's. */
  private static float[] expectedCam(float[] x, int c) {
    float[] a = TestModels.activations(x, null);
    float[] w = TestModels.fcWeights();
    int p = TestModels.SIZE * TestModels.SIZE;
    float[] l = new float[p];
    for (int i = 0; i < p; i++) {
      double s = 0;
      for (int k = 0; k < TestModels.K; k++) {
        s += w[c * TestModels.K + k] * a[k * p + i];
      }
      l[i] = (float) Math.max(0, s);
    }
    return MinMax.normalise(l);
  }

  @ParameterizedTest
  @ValueSource(strings = {"cam", "grad-cam"})
  void camAndGradCamEqualTheLinearWeightsMapOnConvGapLinear(String id) {
    try (OnnxClassifier m = TestModels.convGapLinear(null, 1f)) {
      for (long seed = 1; seed <= 3; seed++) {
        float[] x = TestModels.image(seed);
        for (int c = 0; c < TestModels.C; c++) {
          SaliencyMap s = new Explainer(m).explain(x, Methods.byId(id), CamOptions.builder().targetClass(c).build());
          float[] expected = expectedCam(x, c);
          assertThat(s.classIndex()).isEqualTo(c);
          for (int i = 0; i < expected.length; i++) {
            assertThat(s.cam()[i]).as("%s seed %d class %d pixel %d", id, seed, c, i).isCloseTo(expected[i], within(2e-5f));
          }
        }
      }
    }
  }

  /** torchcam softmaxes score weights only: CAM and Grad-CAM keep their hand map under softmax weighting. */
  @ParameterizedTest
  @ValueSource(strings = {"cam", "grad-cam"})
  void gradientAndCamWeightsAreNeverSoftmaxed(String id) {
    try (OnnxClassifier m = TestModels.convGapLinear(null, 1f)) {
      float[] x = TestModels.image(2);
      for (int c = 0; c < TestModels.C; c++) {
        CamOptions o = CamOptions.builder().preset("torchcam").targetClass(c).build();
        SaliencyMap s = new Explainer(m).explain(x, Methods.byId(id), o);
        assertThat(s.cam()).containsExactly(expectedCam(x, c), within(2e-5f));
      }
    }
  }

  /** Under softmax weighting, Score-CAM's L is {@code ReLU(Σ_k softmax(C)_k A_k)}, computed here by hand. */
  @Test
  void scoreCamWeightsAreSoftmaxedUnderTheTorchcamReading() {
    try (OnnxClassifier m = TestModels.convGapLinear(null, 1f)) {
      float[] x = TestModels.image(4);
      SaliencyMap s = new Explainer(m).explain(x, new ScoreCam(),
          CamOptions.builder().channelWeighting(ChannelWeighting.SOFTMAX).build());
      float[] c = s.weights();
      double max = Double.NEGATIVE_INFINITY;
      for (float v : c) {
        max = Math.max(max, v);
      }
      double sum = 0;
      for (float v : c) {
        sum += Math.exp(v - max);
      }
      float[] a = TestModels.activations(x, null);
      int p = TestModels.SIZE * TestModels.SIZE;
      float[] l = new float[p];
      for (int i = 0; i < p; i++) {
        double acc = 0;
        for (int k = 0; k < TestModels.K; k++) {
          acc += Math.exp(c[k] - max) / sum * a[k * p + i];
        }
        l[i] = (float) Math.max(0, acc);
      }
      assertThat(s.cam()).containsExactly(MinMax.normalise(l), within(2e-5f));
    }
  }

  @Test
  void gradCamWeightsAreTheLinearWeightsOverHw() {
    try (OnnxClassifier m = TestModels.convGapLinear(null, 1f)) {
      SaliencyMap s = new Explainer(m).explain(TestModels.image(7), new GradCam(), CamOptions.builder().targetClass(1).build());
      float[] w = TestModels.fcWeights();
      for (int k = 0; k < TestModels.K; k++) {
        assertThat(s.weights()[k]).isCloseTo(w[TestModels.K + k] / 64f, within(1e-6f));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"cam", "grad-cam", "grad-cam++", "smooth-grad-cam++", "score-cam", "ss-cam-1", "ss-cam-2",
      "xgrad-cam", "layer-cam", "hires-cam", "grad-cam-elementwise", "eigen-cam", "eigen-grad-cam", "ablation-cam", "is-cam"})
  void everyMethodPutsItsMassWhereTheScoreComesFrom(String id) {
    float[] region = TestModels.region();
    // Activations scaled up so that the region decides the top-1 class clearly.
    try (OnnxClassifier m = TestModels.convGapLinear(region, 8f)) {
      float[] x = TestModels.image(11);
      CamOptions o = CamOptions.builder().samples(8).sigma(0.5).seed(3).build();
      SaliencyMap s = new Explainer(m).explain(x, Methods.byId(id), o);
      double inside = 0;
      double total = 0;
      for (int i = 0; i < region.length; i++) {
        total += s.explanation()[i];
        inside += s.explanation()[i] * region[i];
      }
      assertThat(s.allZero()).isFalse();
      assertThat(inside / total).as("share of E inside the region").isGreaterThan(0.99);
    }
  }

  /** Under the equations, SS-CAM (1) at σ = 0 masks with H_k like Score-CAM (under authors it masks with U(A_k)). */
  @Test
  void ssCamMaskSmoothingWithZeroSigmaIsScoreCamExactly() {
    try (OnnxClassifier m = TestModels.convGapLinear(null, 1f)) {
      float[] x = TestModels.image(5);
      CamOptions o = CamOptions.builder().preset(Preset.EQUATIONS).samples(3).sigma(0).build();
      SaliencyMap score = new Explainer(m).explain(x, new ScoreCam(), o);
      SaliencyMap ss = new Explainer(m).explain(x, new SsCam(Smoothing.MASK), o);
      assertThat(ss.weights()).containsExactly(score.weights());
      assertThat(ss.cam()).containsExactly(score.cam());
      assertThat(ss.explanation()).containsExactly(score.explanation());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ss-cam-1", "ss-cam-2"})
  void sameSeedGivesTheSameMapBitForBitWhateverTheBatchSize(String id) {
    try (OnnxClassifier m = TestModels.convGapLinear(null, 1f)) {
      float[] x = TestModels.image(9);
      float[] first = null;
      for (int batch : List.of(1, 7, 64)) {
        CamOptions o = CamOptions.builder().samples(10).sigma(2).seed(42).batchSize(batch).build();
        SaliencyMap s = new Explainer(m).explain(x, Methods.byId(id), o);
        if (first == null) {
          first = s.explanation();
        } else {
          assertThat(s.explanation()).as("batch %d", batch).containsExactly(first);
        }
      }
      CamOptions other = CamOptions.builder().samples(10).sigma(2).seed(43).build();
      assertThat(new Explainer(m).explain(x, Methods.byId(id), other).explanation()).isNotEqualTo(first);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ss-cam-1", "ss-cam-2"})
  void ssCamConvergesToAFixedMapAsNGrows(String id) {
    try (OnnxClassifier m = TestModels.convGapLinear(null, 1f)) {
      float[] x = TestModels.image(13);
      double small = seedSpread(m, x, id, 4);
      double large = seedSpread(m, x, id, 256);
      // Independent draws: the spread between two seeds' weights shrinks like 1/√N (here 8×).
      assertThat(large).isLessThan(small / 3);
    }
  }

  /** Spread of two seeds' weights, under absolute noise of std 1 (the property is the sampling's, not a reading's). */
  private static double seedSpread(OnnxClassifier m, float[] x, String id, int n) {
    CamOptions.Builder b0 = CamOptions.builder().preset(Preset.EQUATIONS).samples(n).sigma(1).batchSize(64);
    float[] a = new Explainer(m).explain(x, Methods.byId(id), b0.seed(1).build()).weights();
    float[] b = new Explainer(m).explain(x, Methods.byId(id), b0.seed(2).build()).weights();
    double d = 0;
    for (int k = 0; k < a.length; k++) {
      d += (a[k] - b[k]) * (a[k] - b[k]);
    }
    return Math.sqrt(d);
  }

  @ParameterizedTest
  @ValueSource(strings = {"cam", "grad-cam", "grad-cam++", "smooth-grad-cam++", "score-cam", "ss-cam-1", "ss-cam-2",
      "xgrad-cam", "layer-cam", "hires-cam", "grad-cam-elementwise", "eigen-cam", "eigen-grad-cam", "ablation-cam", "is-cam"})
  void zeroActivationsGiveAZeroMapFlaggedNotNaN(String id) {
    try (OnnxClassifier m = TestModels.convGapLinear(null, 0f)) {
      SaliencyMap s = new Explainer(m).explain(TestModels.image(3), Methods.byId(id), CamOptions.builder().samples(2).build());
      assertThat(s.allZero()).isTrue();
      for (float v : s.explanation()) {
        assertThat(v).isEqualTo(0f);
      }
      for (float v : s.cam()) {
        assertThat(v).isEqualTo(0f);
      }
    }
  }

  @Test
  void allNamesEveryMethodButCamAndPaperThePapersSix() {
    assertThat(Methods.parse(List.of("all")).stream().map(CamMethod::id).toList()).containsExactly("grad-cam", "grad-cam++",
        "smooth-grad-cam++", "score-cam", "ss-cam-1", "ss-cam-2", "xgrad-cam", "layer-cam", "hires-cam",
        "grad-cam-elementwise", "eigen-cam", "eigen-grad-cam", "ablation-cam", "is-cam");
    assertThat(Methods.parse(List.of("paper")).stream().map(CamMethod::id).toList()).containsExactly("grad-cam", "grad-cam++",
        "smooth-grad-cam++", "score-cam", "ss-cam-1", "ss-cam-2");
    assertThat(Methods.parse(List.of("paper,is-cam,grad-cam")).stream().map(CamMethod::id).toList()).hasSize(7);
  }

  @Test
  void invalidOptionsAreErrors() {
    assertThatThrownBy(() -> CamOptions.builder().samples(0).build()).isInstanceOf(SscamException.class).hasMessageContaining("samples");
    assertThatThrownBy(() -> CamOptions.builder().sigma(-1).build()).isInstanceOf(SscamException.class).hasMessageContaining("sigma");
    assertThatThrownBy(() -> CamOptions.builder().sigma(Double.NaN).build()).isInstanceOf(SscamException.class);
    assertThatThrownBy(() -> CamOptions.builder().smoothSamples(0).build()).isInstanceOf(SscamException.class);
    assertThatThrownBy(() -> CamOptions.builder().batchSize(0).build()).isInstanceOf(SscamException.class);
    assertThatThrownBy(() -> CamOptions.builder().preset("pytorch").build()).isInstanceOf(SscamException.class);
    try (OnnxClassifier m = TestModels.convGapLinear(null, 1f)) {
      assertThatThrownBy(() -> new Explainer(m).explain(TestModels.image(1), new GradCam(), CamOptions.builder().targetClass(3).build()))
          .isInstanceOf(SscamException.class).hasMessageContaining("out of range");
      assertThatThrownBy(() -> new Explainer(m).explain(TestModels.image(1), new GradCam(), CamOptions.builder().layer("nope").build()))
          .isInstanceOf(SscamException.class).hasMessageContaining("unknown layer");
    }
  }

  @Test
  void upsamplingMatchesPyTorchAlignCornersFalse() {
    // 2×2 → 4×4: PyTorch gives rows [1, 1.25, 1.75, 2], [1.5, 1.75, 2.25, 2.5], ... for [[1, 2], [3, 4]].
    float[] up = new BilinearUpsample(2, 2, 4, 4).apply(new float[] {1, 2, 3, 4});
    assertThat(up).containsExactly(1f, 1.25f, 1.75f, 2f, 1.5f, 1.75f, 2.25f, 2.5f, 2.5f, 2.75f, 3.25f, 3.5f, 3f, 3.25f, 3.75f, 4f);
  }

  @Test
  void minMaxIsExactAndConstantMapsBecomeZeros() {
    assertThat(MinMax.normalise(new float[] {2, 4, 3})).containsExactly(0f, 1f, 0.5f);
    assertThat(MinMax.normalise(new float[] {1e-30f, 3e-30f})).containsExactly(0f, 1f);
    assertThat(MinMax.normalise(new float[] {5, 5, 5})).containsExactly(0f, 0f, 0f);
  }
}
