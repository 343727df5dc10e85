package dev.sscam.cam.gradient;

import dev.sscam.cam.CamContext;
import dev.sscam.cam.PositionMap;
import dev.sscam.cam.PositionalMethod;

/**
 * Grad-CAM element-wise (pytorch-grad-cam's {@code GradCAMElementWise}): {@code L = ReLU(Σ_k
 * ReLU(g_k ⊙ A_k))}, {@code g = ∂z_c/∂A}: HiResCAM with each channel's term clipped at 0 before the
 * sum ({@code np.maximum(grads * activations, 0).sum(axis=1)}, then ReLU). With non-negative
 * activations (after a ReLU) it equals LayerCAM. Reported weights: {@code mean_ij ReLU(g_k A_k)}.
 */
public final class GradCamElementwise implements PositionalMethod {
  @Override
  public String id() {
    return "grad-cam-elementwise";
  }

  @Override
  public String title() {
    return "Grad-CAM element-wise";
  }

  @Override
  public PositionMap map(CamContext ctx) {
    ElementwiseSum sum = (g, a) -> Math.max(0, g * a);
    return sum.map(ctx);
  }

  @Override
  public boolean readsGradientOfInput() {
    return true;
  }
}
