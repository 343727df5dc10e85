package dev.sscam.cam.gradient;

import dev.sscam.cam.CamContext;
import dev.sscam.cam.CamMethod;
import dev.sscam.cam.ChannelWeights;

/** Grad-CAM: {@code α_k = mean_ij ∂z_c/∂A_k(i,j)}, the gradient of the logit (PAPER.md). */
public final class GradCam implements CamMethod {
  @Override
  public String id() {
    return "grad-cam";
  }

  @Override
  public String title() {
    return "Grad-CAM";
  }

  @Override
  public ChannelWeights weights(CamContext ctx) {
    float[] g = ctx.gradients().gradients();
    int size = ctx.featureSize();
    float[] alpha = new float[ctx.channels()];
    for (int k = 0; k < alpha.length; k++) {
      double sum = 0;
      for (int p = k * size; p < (k + 1) * size; p++) {
        sum += g[p];
      }
      alpha[k] = (float) (sum / size);
    }
    return new ChannelWeights(alpha, ctx.gradientPasses());
  }

  @Override
  public boolean readsGradientOfInput() {
    return true;
  }
}
