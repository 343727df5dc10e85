package dev.sscam.cam.gradient;

import dev.sscam.cam.CamContext;
import dev.sscam.cam.CamMethod;
import dev.sscam.cam.ChannelWeights;

/**
 * XGrad-CAM (Fu et al. 2020): {@code α_k = Σ_ij g_k(i,j) A_k(i,j) / (Σ_ij A_k(i,j) + ε)}, {@code g =
 * ∂z_c/∂A}, {@code ε = 1e-8}: torchcam's {@code XGradCAM} ({@code (grad * act).sum / (act.sum +
 * eps)}, eps 1e-8; pytorch-grad-cam adds 1e-7 instead, a difference below float precision unless a
 * channel sums to about 0). A channel that sums to exactly 0 weighs 0 unless its gradient-weighted
 * sum does not, as in both references.
 */
public final class XGradCam implements CamMethod {
  /** torchcam's epsilon. */
  static final double EPS = 1e-8;

  @Override
  public String id() {
    return "xgrad-cam";
  }

  @Override
  public String title() {
    return "XGrad-CAM";
  }

  @Override
  public ChannelWeights weights(CamContext ctx) {
    float[] g = ctx.gradients().gradients();
    float[] a = ctx.activations();
    int size = ctx.featureSize();
    float[] alpha = new float[ctx.channels()];
    for (int k = 0; k < alpha.length; k++) {
      double weighted = 0;
      double sum = 0;
      for (int p = k * size; p < (k + 1) * size; p++) {
        weighted += (double) g[p] * a[p];
        sum += a[p];
      }
      alpha[k] = (float) (weighted / (sum + EPS));
    }
    return new ChannelWeights(alpha, ctx.gradientPasses());
  }

  @Override
  public boolean readsGradientOfInput() {
    return true;
  }
}
