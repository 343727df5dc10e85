package dev.sscam.cam.projection;

import dev.sscam.cam.CamContext;
import dev.sscam.cam.PositionMap;
import dev.sscam.cam.PositionalMethod;
import dev.sscam.cam.PrincipalProjection;

/**
 * Eigen-CAM (Muhammad and Yeasin 2020): {@code L = ReLU(p)}, {@code p = X v} the projection of the
 * centred activations {@code X} (h·w × K) on their first principal direction {@code v}, oriented by
 * sscam's sign rule (it correlates positively with {@code Σ_k A_k}; see {@link
 * PrincipalProjection}). Class-agnostic: no gradient and no class score enter, so every class gets
 * the same map. As pytorch-grad-cam's {@code EigenCAM} ({@code get_2d_projection(activations)}, then
 * ReLU), whose sign is whatever the SVD returned. Reported weights: {@code v}. No forward pass beyond
 * the activations' run.
 */
public final class EigenCam implements PositionalMethod {
  @Override
  public String id() {
    return "eigen-cam";
  }

  @Override
  public String title() {
    return "Eigen-CAM";
  }

  @Override
  public PositionMap map(CamContext ctx) {
    return PrincipalProjection.of(ctx.activations(), ctx.channels(), ctx.featureSize());
  }
}
