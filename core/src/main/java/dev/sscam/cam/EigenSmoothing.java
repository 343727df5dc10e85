package dev.sscam.cam;

/**
 * pytorch-grad-cam's {@code eigen_smooth} ({@code base_cam.get_cam_image}): instead of summing the
 * weighted activations over channels, {@code L} is their projection on their first principal
 * direction, {@code get_2d_projection(weighted_activations)}. The weighted activations are {@code α_k
 * A_k} for a channel method (with the {@code α} the map uses, softmaxed where the reading says so),
 * and the per-channel terms of a position method (LayerCAM's {@code ReLU(g_k) A_k}, HiResCAM's
 * {@code g_k A_k}, element-wise's {@code ReLU(g_k A_k)}). Eigen-CAM and Eigen-Grad-CAM are
 * projections already, unchanged, as in pytorch-grad-cam, whose {@code EigenCAM} ignores the flag.
 *
 * <p>The projection's sign follows sscam's rule ({@link PrincipalProjection}): it correlates
 * positively with the channel sum of the weighted activations, which is the map without smoothing.
 * pytorch-grad-cam leaves it to the SVD.
 */
final class EigenSmoothing {
  /** How provenance names it. */
  static final String DESCRIPTION = "first principal component of the weighted activations (pytorch-grad-cam eigen_smooth),"
      + " oriented to correlate positively with their channel sum";

  private EigenSmoothing() {}

  /** {@code L}: the oriented projection of {@code terms} ({@code channels × size}). */
  static float[] of(float[] terms, int channels, int size) {
    return PrincipalProjection.of(terms, channels, size).values();
  }

  /** {@code α_k A_k}, channels first. */
  static float[] weightedActivations(CamContext ctx, float[] alpha) {
    float[] a = ctx.activations();
    int size = ctx.featureSize();
    float[] out = new float[a.length];
    for (int k = 0; k < alpha.length; k++) {
      for (int p = k * size; p < (k + 1) * size; p++) {
        out[p] = alpha[k] * a[p];
      }
    }
    return out;
  }
}
