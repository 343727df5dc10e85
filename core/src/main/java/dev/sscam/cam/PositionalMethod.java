package dev.sscam.cam;

/**
 * A method whose map is not a channel-weighted sum {@code Σ_k α_k A_k}: each position has its own
 * weights (LayerCAM, HiResCAM, Grad-CAM element-wise) or the map is a projection (Eigen-CAM). It
 * returns {@code L} itself ({@link #map}); the {@link Explainer} applies the same ReLU, upsampling
 * and normalisation as to a channel method's sum, and no reading option (no softmax, no {@code
 * sum-at}): those concern score weights only.
 */
public interface PositionalMethod extends CamMethod {
  /** {@code L} before its ReLU, at feature resolution, for the image and class in {@code ctx}. */
  PositionMap map(CamContext ctx);

  /** The per-channel numbers {@link #map} reports (they summarise the map, they do not make it). */
  @Override
  default ChannelWeights weights(CamContext ctx) {
    PositionMap m = map(ctx);
    return new ChannelWeights(m.weights(), m.forwardPasses());
  }
}
