package dev.sscam.model;

/**
 * Activations {@code A} of a target layer, the gradient {@code g = ∂z_c/∂A} of each image's chosen
 * logit, and the logits, for {@code n} images.
 *
 * @param layer the layer
 * @param n number of images
 * @param activations {@code [n, K, h, w]} flattened
 * @param gradients {@code [n, K, h, w]} flattened: {@code ∂z_{c_i}/∂A} for image {@code i}
 * @param logits {@code [n][C]}
 */
public record LayerGradients(TargetLayer layer, int n, float[] activations, float[] gradients, float[][] logits) {}
