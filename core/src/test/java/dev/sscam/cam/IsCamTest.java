package dev.sscam.cam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sscam.cam.score.IsCam;

import dev.sscam.model.OnnxClassifier;
import org.junit.jupiter.api.Test;

/**
 * IS-CAM against torchcam's {@code ISCAM} loop written out here: {@code α_k = (1/10) Σ_i [s_c(c_i ·
 * X0 ∘ H_k) − b]}, the coefficients 0.1, 0.3, 0.6, ... 5.5 that its {@code coeff += (sidx + 1) /
 * num_samples} accumulates, the scores from the conv → GAP → linear model computed by hand.
 */
class IsCamTest {
  /** torchcam's coefficients at num_samples = 10, as its loop accumulates them (0.1 + 0.2 + ...). */
  private static final double[] COEFFICIENTS = {0.1, 0.3, 0.6, 1.0, 1.5, 2.1, 2.8, 3.6, 4.5, 5.5};
  private static final int P = TestModels.SIZE * TestModels.SIZE;

  /** Logits of {@code x} through conv → ReLU → GAP → linear, by hand. */
  private static double[] logits(float[] x) {
    float[] a = TestModels.activations(x, null);
    float[] w = TestModels.fcWeights();
    double[] z = {0.1, -0.2, 0.05};
    for (int c = 0; c < TestModels.C; c++) {
      for (int k = 0; k < TestModels.K; k++) {
        double mean = 0;
        for (int i = 0; i < P; i++) {
          mean += a[k * P + i] / (double) P;
        }
        z[c] += w[c * TestModels.K + k] * mean;
      }
    }
    return z;
  }

  private static double probability(double[] z, int c) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (double v : z) {
      sum += Math.exp(v - max);
    }
    return Math.exp(z[c] - max) / sum;
  }

  /** α by torchcam's loop; A is 8×8 like the input, so U is the identity and H_k = s(A_k) in either mask order. */
  private static double[] alpha(float[] x, int c, boolean logit, boolean subtract) {
    float[] a = TestModels.activations(x, null);
    float[] zero = new float[3 * P];
    double b = subtract ? (logit ? logits(zero)[c] : probability(logits(zero), c)) : 0;
    double[] alpha = new double[TestModels.K];
    for (int k = 0; k < TestModels.K; k++) {
      float[] h = MinMax.normalise(java.util.Arrays.copyOfRange(a, k * P, (k + 1) * P));
      if (MinMax.isConstant(a, k * P, P)) {
        continue;
      }
      double sum = 0;
      for (double coeff : COEFFICIENTS) {
        float[] in = new float[3 * P];
        for (int ch = 0; ch < 3; ch++) {
          for (int i = 0; i < P; i++) {
            in[ch * P + i] = (float) (coeff * (x[ch * P + i] * h[i]));
          }
        }
        double[] z = logits(in);
        sum += (logit ? z[c] : probability(z, c)) - b;
      }
      alpha[k] = sum / COEFFICIENTS.length;
    }
    return alpha;
  }

  @Test
  void torchcamPresetGivesTorchcamsIntegratedWeightsSoftmaxed() {
    try (OnnxClassifier m = TestModels.convGapLinear(null, 1f)) {
      for (long seed = 1; seed <= 3; seed++) {
        float[] x = TestModels.image(seed);
        for (int c = 0; c < TestModels.C; c++) {
          SaliencyMap s = new Explainer(m).explain(x, new IsCam(), CamOptions.builder().preset("torchcam").targetClass(c).build());
          double[] alpha = alpha(x, c, true, true);
          for (int k = 0; k < TestModels.K; k++) {
            assertThat((double) s.weights()[k]).isCloseTo(alpha[k], within(1e-4));
          }
          double max = java.util.Arrays.stream(alpha).max().orElseThrow();
          double total = java.util.Arrays.stream(alpha).map(v -> Math.exp(v - max)).sum();
          float[] a = TestModels.activations(x, null);
          float[] l = new float[P];
          for (int i = 0; i < P; i++) {
            double v = 0;
            for (int k = 0; k < TestModels.K; k++) {
              v += Math.exp(alpha[k] - max) / total * a[k * P + i];
            }
            l[i] = (float) Math.max(0, v);
          }
          assertThat(s.cam()).containsExactly(MinMax.normalise(l), within(2e-5f));
          long varying = java.util.stream.IntStream.range(0, TestModels.K).filter(k -> !MinMax.isConstant(a, k * P, P)).count();
          // The activations' run, ten ramped passes per channel that is not constant, the baseline's pass.
          assertThat(s.provenance().forwardPasses()).isEqualTo(1 + 10 * varying + 1);
        }
      }
    }
  }

  @Test
  void authorsPresetUsesProbabilitiesWithoutBaselineAndIgnoresFastMode() {
    try (OnnxClassifier m = TestModels.convGapLinear(null, 1f)) {
      float[] x = TestModels.image(4);
      CamOptions exact = CamOptions.builder().targetClass(1).build();
      SaliencyMap s = new Explainer(m).explain(x, new IsCam(), exact);
      double[] alpha = alpha(x, 1, false, false);
      for (int k = 0; k < TestModels.K; k++) {
        assertThat((double) s.weights()[k]).isCloseTo(alpha[k], within(1e-6));
      }
      // The ramp of draws is no random sample: fast mode would have no honest error estimate, so IS-CAM stays exact.
      SaliencyMap fast = new Explainer(m).explain(x, new IsCam(), exact.toBuilder().fast(new FastMode(0.5)).build());
      assertThat(fast.weights()).containsExactly(s.weights());
      assertThat(fast.provenance().isFast()).isFalse();
    }
  }
}
