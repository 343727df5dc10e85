package dev.sscam.cam.gradient;

import dev.sscam.cam.CamContext;
import dev.sscam.cam.PositionMap;
import dev.sscam.cam.PositionalMethod;

/**
 * HiResCAM (Draelos and Carin 2020): {@code L = ReLU(Σ_k g_k ⊙ A_k)}, {@code g = ∂z_c/∂A}, the
 * gradient multiplied in element by element instead of averaged per channel (pytorch-grad-cam's
 * {@code HiResCAM}: {@code (grads * activations).sum(axis=1)}, then ReLU). On a head that global-
 * average-pools the target layer, {@code g_k} is constant over positions and HiResCAM is Grad-CAM
 * times {@code h·w}. Reported weights: {@code mean_ij g_k A_k}.
 */
public final class HiResCam implements PositionalMethod {
  @Override
  public String id() {
    return "hires-cam";
  }

  @Override
  public String title() {
    return "HiResCAM";
  }

  @Override
  public PositionMap map(CamContext ctx) {
    ElementwiseSum sum = (g, a) -> g * a;
    return sum.map(ctx);
  }

  @Override
  public boolean readsGradientOfInput() {
    return true;
  }
}
