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
public record LayerGradients(TargetLayer layer, int n, float[] activations, float[] gradients, float[][] logits) {
  /** Images {@code from .. to-1} of these. */
  public LayerGradients images(int from, int to) {
    if (from < 0 || to > n || from >= to) {
      throw new IllegalArgumentException("images " + from + ".." + to + " of " + n);
    }
    int per = activations.length / n;
    return new LayerGradients(layer, to - from, java.util.Arrays.copyOfRange(activations, from * per, to * per),
        java.util.Arrays.copyOfRange(gradients, from * per, to * per), java.util.Arrays.copyOfRange(logits, from, to));
  }
}
