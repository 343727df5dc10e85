package dev.sscam.cam;

/**
 * The channel weights {@code α_k} a method computed for one image, before the optional softmax.
 *
 * @param alpha one weight per channel of the target layer
 * @param forwardPasses model forward passes (images) spent computing them
 * @param fast what fast mode spent and its estimated error, or null for exact weights
 */
public record ChannelWeights(float[] alpha, long forwardPasses, FastEstimate fast) {
  /** Exact weights. */
  public ChannelWeights(float[] alpha, long forwardPasses) {
    this(alpha, forwardPasses, null);
  }
}
