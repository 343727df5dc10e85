package dev.sscam.cam;

/**
 * The channel weights {@code α_k} a method computed for one image, before the optional softmax.
 *
 * @param alpha one weight per channel of the target layer
 * @param forwardPasses model forward passes (images) spent computing them
 */
public record ChannelWeights(float[] alpha, long forwardPasses) {}
