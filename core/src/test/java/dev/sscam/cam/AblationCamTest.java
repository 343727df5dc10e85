package dev.sscam.cam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sscam.cam.score.AblationCam;

import dev.sscam.model.OnnxClassifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Ablation-CAM against {@code α_k = (y_c − y_c^{A_k=0}) / y_c} computed here with the head written
 * out by hand ({@link DeepHead}, whose head reads a side input besides A), at several batch sizes
 * (the side input is repeated along the batch, the copies cut into head runs).
 */
class AblationCamTest {
  private static final int P = DeepHead.SIZE * DeepHead.SIZE;

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 16, -3})
  void weightsAreTheRelativeLogitDropOfEachAblatedChannel(int batch) {
    DeepHead head = new DeepHead(23);
    // -3: a model exported with a fixed batch of 3 (the head runs padded to it).
    try (OnnxClassifier m = batch > 0 ? head.open(batch) : head.open(16, -batch)) {
      for (long seed = 1; seed <= 2; seed++) {
        float[] x = TestModels.image(seed);
        double[] a = DeepHead.activations(x);
        double[] skip = head.skip(x);
        for (int c = 0; c < DeepHead.C; c++) {
          SaliencyMap s = new Explainer(m).explain(x, new AblationCam(), CamOptions.builder().layer("features").targetClass(c).build());
          double y = head.logits(a, skip)[c];
          double[] alpha = new double[DeepHead.K];
          for (int k = 0; k < DeepHead.K; k++) {
            double[] ablated = a.clone();
            java.util.Arrays.fill(ablated, k * P, (k + 1) * P, 0);
            alpha[k] = (y - head.logits(ablated, skip)[c]) / y;
            assertThat((double) s.weights()[k]).as("batch %d seed %d class %d channel %d", batch, seed, c, k)
                .isCloseTo(alpha[k], within(1e-4 * Math.max(1, Math.abs(alpha[k]))));
          }
          float[] l = new float[P];
          for (int p = 0; p < P; p++) {
            double v = 0;
            for (int k = 0; k < DeepHead.K; k++) {
              v += alpha[k] * a[k * P + p];
            }
            l[p] = (float) Math.max(0, v);
          }
          assertThat(s.cam()).containsExactly(MinMax.normalise(l), within(2e-4f));
          // One head pass per channel (none of these is zero everywhere), plus the activations' run.
          assertThat(s.provenance().forwardPasses()).isEqualTo(DeepHead.K + 1);
        }
      }
    }
  }

  /** A channel zero everywhere needs no pass: ablating it changes nothing. */
  @Test
  void zeroChannelsAreSkippedWithWeightZero() {
    // conv_gap_linear's region variant zeroes the input outside a 3×3 square; channel weights there
    // come from the GAP head: W[c,k]·mean(A_k), so the hand check is exact and short.
    try (OnnxClassifier m = TestModels.convGapLinear(null, 1f)) {
      float[] x = new float[3 * 64];
      // Only the red plane is lit: channel k's activation is ReLU(w[k,0]·x); those with w[k,0] ≤ 0 are zero.
      for (int i = 0; i < 64; i++) {
        x[i] = 1 + (i % 5);
      }
      SaliencyMap s = new Explainer(m).explain(x, new AblationCam(), CamOptions.builder().targetClass(0).build());
      float[] a = TestModels.activations(x, null);
      float[] w = TestModels.fcWeights();
      float[] bias = {0.1f, -0.2f, 0.05f};
      double y = bias[0];
      double[] contribution = new double[TestModels.K];
      int nonZero = 0;
      for (int k = 0; k < TestModels.K; k++) {
        double mean = 0;
        for (int i = 0; i < 64; i++) {
          mean += a[k * 64 + i] / 64.0;
        }
        contribution[k] = w[k] * mean;
        y += contribution[k];
        nonZero += mean > 0 ? 1 : 0;
      }
      for (int k = 0; k < TestModels.K; k++) {
        assertThat((double) s.weights()[k]).isCloseTo(contribution[k] / y, within(1e-5));
      }
      assertThat(nonZero).isLessThan(TestModels.K);
      assertThat(s.provenance().forwardPasses()).isEqualTo(nonZero + 1);
    }
  }
}
