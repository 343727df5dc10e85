package dev.sscam.cam.gradient;

import dev.sscam.cam.CamContext;
import dev.sscam.cam.FusionScale;
import dev.sscam.cam.PositionMap;
import dev.sscam.cam.PositionalMethod;

/**
 * LayerCAM (Jiang et al. 2021): {@code L = ReLU(Σ_k ReLU(g_k) ⊙ A_k)}, {@code g = ∂z_c/∂A}: each
 * position weighs a channel by its own positive gradient, not by the channel's mean. As torchcam's
 * {@code LayerCAM} ({@code relu(grad)} as weights, {@code nansum(w·A, dim=1)}, ReLU) and
 * pytorch-grad-cam's ({@code np.maximum(grads, 0) * activations}, summed over channels, ReLU).
 * Reported weights: {@code mean_ij ReLU(g_k) A_k}.
 */
public final class LayerCam implements PositionalMethod {
  @Override
  public String id() {
    return "layer-cam";
  }

  @Override
  public String title() {
    return "LayerCAM";
  }

  /** Fused over layers as {@code tanh(2·map)}: LayerCAM's paper, eq. 9, and torchcam's {@code _scale_cams}. */
  @Override
  public FusionScale fusionScale() {
    return FusionScale.TANH_2;
  }

  @Override
  public PositionMap map(CamContext ctx) {
    ElementwiseSum sum = (g, a) -> Math.max(0, g) * a;
    return sum.map(ctx);
  }

  @Override
  public boolean readsGradientOfInput() {
    return true;
  }
}
