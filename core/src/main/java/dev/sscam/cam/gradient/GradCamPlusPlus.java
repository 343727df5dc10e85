package dev.sscam.cam.gradient;

import dev.sscam.cam.CamContext;
import dev.sscam.cam.CamMethod;
import dev.sscam.cam.ChannelWeights;

/**
 * Grad-CAM++ in the paper's form (PAPER.md; Grad-CAM++ eq. 19 with its exponential trick):
 * {@code α_k = Σ_ij a_k(i,j) ReLU(g_k(i,j))}, {@code a_k(i,j) = g² / (2g² + (Σ_ab A_k(a,b))·g³)}, 0
 * where the denominator is 0, with {@code g = ∂z_c/∂A}.
 */
public final class GradCamPlusPlus implements CamMethod {
  @Override
  public String id() {
    return "grad-cam++";
  }

  @Override
  public String title() {
    return "Grad-CAM++";
  }

  @Override
  public ChannelWeights weights(CamContext ctx) {
    float[] g = ctx.gradients().gradients();
    float[] a = ctx.activations();
    int size = ctx.featureSize();
    int k = ctx.channels();
    double[] g1 = new double[k * size];
    double[] g2 = new double[k * size];
    double[] g3 = new double[k * size];
    double[] sumA = new double[k];
    for (int c = 0; c < k; c++) {
      for (int p = c * size; p < (c + 1) * size; p++) {
        double v = g[p];
        g1[p] = v;
        g2[p] = v * v;
        g3[p] = v * v * v;
        sumA[c] += a[p];
      }
    }
    return new ChannelWeights(of(g1, g2, g3, sumA, size), ctx.gradientPasses());
  }

  /**
   * The Grad-CAM++ weights from (possibly averaged) {@code g}, {@code g²}, {@code g³} and per-channel
   * activation sums.
   */
  static float[] of(double[] g1, double[] g2, double[] g3, double[] sumA, int size) {
    float[] alpha = new float[sumA.length];
    for (int c = 0; c < sumA.length; c++) {
      double w = 0;
      for (int p = c * size; p < (c + 1) * size; p++) {
        double denom = 2 * g2[p] + sumA[c] * g3[p];
        if (denom != 0 && g1[p] > 0) {
          w += g2[p] / denom * g1[p];
        }
      }
      alpha[c] = (float) w;
    }
    return alpha;
  }

  @Override
  public boolean readsGradientOfInput() {
    return true;
  }
}
