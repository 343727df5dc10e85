package dev.sscam.cam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sscam.cam.score.ScoreCam;
import dev.sscam.cam.score.SsCam;

import dev.sscam.SscamException;
import dev.sscam.model.LayerActivations;
import dev.sscam.model.OnnxClassifier;
import dev.sscam.model.TargetLayer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code authors} reading (PAPER.md) against maps computed here by hand from the model's own
 * activations and logits: no baseline, the raw {@code U(A_k)} mask of SS-CAM (1), range-scaled
 * squared noise, the ReLU at input resolution; and the presets as named option sets.
 */
class AuthorsReadingTest {

  /** A hand-computed authors map: {@code α_k = s_c(masked_k)} and {@code E = s(ReLU(Σ_k α_k U(A_k)))}. */
  private record Hand(float[] alpha, float[] e) {}

  private static Hand hand(OnnxClassifier m, float[] x, boolean rawMask) {
    TargetLayer layer = m.layer(null);
    LayerActivations act = m.activations(x, 1, layer);
    float[] a = act.values();
    int c = argmax(act.logits()[0]);
    int h = layer.height();
    int w = layer.width();
    int hw = h * w;
    int bigH = m.card().height();
    int bigW = m.card().width();
    int pixels = bigH * bigW;
    BilinearUpsample u = new BilinearUpsample(h, w, bigH, bigW);
    float[] alpha = new float[layer.channels()];
    double[] sum = new double[pixels];
    for (int k = 0; k < layer.channels(); k++) {
      float[] up = new float[pixels];
      u.apply(a, k * hw, up);
      if (MinMax.isConstant(up, 0, pixels)) {
        continue;
      }
      float[] mask = rawMask ? up : MinMax.normalise(up);
      float[] masked = new float[3 * pixels];
      for (int ch = 0; ch < 3; ch++) {
        for (int p = 0; p < pixels; p++) {
          masked[ch * pixels + p] = x[ch * pixels + p] * mask[p];
        }
      }
      alpha[k] = (float) Score.softmax(m.logits(masked, 1)[0], c);
      for (int p = 0; p < pixels; p++) {
        sum[p] += alpha[k] * up[p];
      }
    }
    float[] e = new float[pixels];
    for (int p = 0; p < pixels; p++) {
      e[p] = (float) Math.max(0, sum[p]);
    }
    return new Hand(alpha, MinMax.normaliseInPlace(e));
  }

  @Test
  void scoreCamWeighsEachChannelByTheProbabilityOfItsMaskedInputWithNoBaseline() {
    try (OnnxClassifier m = TestModels.convStride2GapLinear()) {
      float[] x = TestModels.image(5);
      Hand hand = hand(m, x, false);
      SaliencyMap s = new Explainer(m).explain(x, new ScoreCam(), CamOptions.defaults());
      assertThat(s.weights()).containsExactly(hand.alpha(), within(1e-6f));
      assertThat(s.explanation()).containsExactly(hand.e(), within(1e-5f));
    }
  }

  @Test
  void ssCam1AtZeroSigmaMasksWithTheRawUpsampledActivation() {
    try (OnnxClassifier m = TestModels.convStride2GapLinear()) {
      float[] x = TestModels.image(6);
      Hand hand = hand(m, x, true);
      SaliencyMap s = new Explainer(m).explain(x, new SsCam(Smoothing.MASK), CamOptions.builder().samples(3).sigma(0).build());
      assertThat(s.weights()).containsExactly(hand.alpha(), within(1e-6f));
      assertThat(s.explanation()).containsExactly(hand.e(), within(1e-5f));
      // The normalised mask gives other weights: the option is what makes the difference.
      assertThat(s.weights()).isNotEqualTo(hand(m, x, false).alpha());
    }
  }

  @Test
  void ssCam2AtZeroSigmaIsScoreCamBitForBit() {
    try (OnnxClassifier m = TestModels.convStride2GapLinear()) {
      float[] x = TestModels.image(7);
      CamOptions o = CamOptions.builder().samples(4).sigma(0).build();
      SaliencyMap score = new Explainer(m).explain(x, new ScoreCam(), o);
      SaliencyMap ss = new Explainer(m).explain(x, new SsCam(Smoothing.INPUT), o);
      assertThat(ss.weights()).containsExactly(score.weights());
      assertThat(ss.explanation()).containsExactly(score.explanation());
    }
  }

  /**
   * The ReLU after upsampling differs from the ReLU before it where L changes sign between cells.
   * The first image × class (in a fixed order) whose equations weights make L change sign is the case.
   */
  @Test
  void sumAtInputTakesTheReluAfterUpsampling() {
    try (OnnxClassifier m = TestModels.convStride2GapLinear()) {
      for (long seed = 1; seed <= 30; seed++) {
        for (int c = 0; c < TestModels.C; c++) {
          float[] x = TestModels.image(seed);
          CamOptions atInput = CamOptions.builder().preset(Preset.EQUATIONS).option("sum-at", "input").targetClass(c).build();
          CamOptions atFeature = CamOptions.builder().preset(Preset.EQUATIONS).targetClass(c).build();
          SaliencyMap in = new Explainer(m).explain(x, new ScoreCam(), atInput);
          SaliencyMap fe = new Explainer(m).explain(x, new ScoreCam(), atFeature);
          if (java.util.Arrays.equals(in.explanation(), fe.explanation())) {
            continue;
          }
          assertThat(in.weights()).containsExactly(fe.weights());
          TargetLayer layer = m.layer(null);
          float[] a = m.activations(x, 1, layer).values();
          int hw = layer.height() * layer.width();
          float[] l = new float[hw];
          for (int k = 0; k < layer.channels(); k++) {
            for (int p = 0; p < hw; p++) {
              l[p] += in.weights()[k] * a[k * hw + p];
            }
          }
          BilinearUpsample u = new BilinearUpsample(layer.height(), layer.width(), m.card().height(), m.card().width());
          float[] reluAfter = u.apply(l.clone());
          for (int i = 0; i < reluAfter.length; i++) {
            reluAfter[i] = Math.max(0, reluAfter[i]);
          }
          float[] reluBefore = l.clone();
          for (int i = 0; i < reluBefore.length; i++) {
            reluBefore[i] = Math.max(0, reluBefore[i]);
          }
          assertThat(in.explanation()).containsExactly(MinMax.normaliseInPlace(reluAfter), within(1e-5f));
          assertThat(fe.explanation()).containsExactly(MinMax.normaliseInPlace(u.apply(reluBefore)), within(1e-5f));
          return;
        }
      }
      throw new AssertionError("no image x class among 30 x " + TestModels.C + " makes L change sign: the test cannot tell");
    }
  }

  @Test
  void noiseScalesAreTheReleasedCodesFormula() {
    // range 4, σ = 2: σ_x = 0.5, std σ_x² = 0.25.
    assertThat(NoiseScale.RANGE_SQUARED.std(2, 4)).isEqualTo(0.25);
    assertThat(NoiseScale.RANGE.std(2, 4)).isEqualTo(0.5);
    assertThat(NoiseScale.ABSOLUTE.std(2, 4)).isEqualTo(2);
    // A tensor with no range gets no noise, never an infinite std.
    assertThat(NoiseScale.RANGE_SQUARED.std(2, 0)).isZero();
  }

  @Test
  void presetsAreNamedOptionSetsAndAnyOptionCanBeOverridden() {
    assertThat(CamOptions.defaults().preset()).isEqualTo(Preset.AUTHORS);
    assertThat(CamOptions.defaults().overrides()).isEmpty();
    assertThat(Preset.parse("paper")).isEqualTo(Preset.EQUATIONS);
    assertThat(Preset.AUTHORS.reading().asMap()).containsExactly(
        Map.entry("score", "probability"), Map.entry("baseline", "none"), Map.entry("noise-scale", "range-squared"),
        Map.entry("ss-cam-1-mask", "raw"), Map.entry("channel-weights", "raw"), Map.entry("mask-order", "s(U(A))"),
        Map.entry("sum-at", "input"));
    CamOptions o = CamOptions.builder().preset("torchcam").option("baseline", "none").option("sum-at", "input").build();
    assertThat(o.preset()).isEqualTo(Preset.TORCHCAM);
    assertThat(o.overrides()).isEqualTo(List.of("baseline", "sum-at"));
    assertThat(o.asMap()).containsEntry("preset", "torchcam").containsEntry("overrides", "baseline,sum-at")
        .containsEntry("score", "logit").containsEntry("baseline", "none");
    assertThatThrownBy(() -> CamOptions.builder().option("baseline", "maybe")).isInstanceOf(SscamException.class)
        .hasMessageContaining("subtract or none");
    assertThatThrownBy(() -> CamOptions.builder().option("colour", "red")).isInstanceOf(SscamException.class)
        .hasMessageContaining("unknown reading option");
  }

  @ParameterizedTest
  @ValueSource(strings = {"cam", "grad-cam", "grad-cam++", "smooth-grad-cam++"})
  void gradientMethodsAreTheSameUnderEveryPreset(String id) {
    try (OnnxClassifier m = TestModels.convGapLinear(null, 1f)) {
      float[] x = TestModels.image(12);
      float[] first = null;
      for (Preset p : Preset.values()) {
        SaliencyMap s = new Explainer(m).explain(x, Methods.byId(id), CamOptions.builder().preset(p).seed(3).build());
        if (first == null) {
          first = s.explanation();
        } else {
          assertThat(s.explanation()).as(p.id()).containsExactly(first);
        }
      }
    }
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
}
