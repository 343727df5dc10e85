package dev.sscam.cam.projection;

import dev.sscam.cam.CamContext;
import dev.sscam.cam.PositionMap;
import dev.sscam.cam.PositionalMethod;
import dev.sscam.cam.PrincipalProjection;

/**
 * Eigen-Grad-CAM (pytorch-grad-cam's {@code EigenGradCAM}): {@code L = ReLU(p)}, {@code p} the
 * projection of the centred {@code g ⊙ A} (h·w × K, {@code g = ∂z_c/∂A}, not clipped) on its first
 * principal direction ({@code get_2d_projection(grads * activations)}, then ReLU), oriented so that
 * it correlates positively with {@code Σ_k g_k ⊙ A_k}, HiResCAM's sum (sscam's sign rule, {@link
 * PrincipalProjection}). Reported weights: the principal direction. One gradient pass.
 */
public final class EigenGradCam implements PositionalMethod {
  @Override
  public String id() {
    return "eigen-grad-cam";
  }

  @Override
  public String title() {
    return "Eigen-Grad-CAM";
  }

  @Override
  public PositionMap map(CamContext ctx) {
    float[] g = ctx.gradients().gradients();
    float[] a = ctx.activations();
    float[] ga = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      ga[i] = g[i] * a[i];
    }
    PositionMap p = PrincipalProjection.of(ga, ctx.channels(), ctx.featureSize());
    return new PositionMap(p.values(), p.weights(), ctx.gradientPasses(), null);
  }

  @Override
  public boolean readsGradientOfInput() {
    return true;
  }
}
