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
    float[] alpha = new float[ctx.channels()];
    // One pass: g², g³ are formed per element (the same doubles of() reads from arrays), so a
    // one-gradient map does not allocate three K×h×w arrays.
    for (int c = 0; c < alpha.length; c++) {
      double sumA = 0;
      for (int p = c * size; p < (c + 1) * size; p++) {
        sumA += a[p];
      }
      double w = 0;
      for (int p = c * size; p < (c + 1) * size; p++) {
        double v = g[p];
        double v2 = v * v;
        w += term(v, v2, v2 * v, sumA);
      }
      alpha[c] = (float) w;
    }
    return new ChannelWeights(alpha, ctx.gradientPasses());
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
        w += term(g1[p], g2[p], g3[p], sumA[c]);
      }
      alpha[c] = (float) w;
    }
    return alpha;
  }

  /** One position's {@code a·ReLU(g)}, {@code a = g² / (2g² + (Σ A)·g³)}, 0 where the denominator is 0. */
  private static double term(double g1, double g2, double g3, double sumA) {
    double denom = 2 * g2 + sumA * g3;
    return denom != 0 && g1 > 0 ? g2 / denom * g1 : 0;
  }

  @Override
  public boolean readsGradientOfInput() {
    return true;
  }
}
