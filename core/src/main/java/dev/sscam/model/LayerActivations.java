package dev.sscam.model;

/**
 * Activations {@code A} of a target layer for {@code n} images, and the logits of the same run.
 *
 * @param layer the layer
 * @param n number of images
 * @param values {@code [n, K, h, w]} flattened, NCHW
 * @param logits {@code [n][C]}
 */
public record LayerActivations(TargetLayer layer, int n, float[] values, float[][] logits) {
  /** Floats per image: K·h·w. */
  public int perImage() {
    return layer.channels() * layer.height() * layer.width();
  }

  /** Activations of image {@code i} as {@code [K, h, w]} flattened (a copy). */
  public float[] of(int i) {
    return java.util.Arrays.copyOfRange(values, i * perImage(), (i + 1) * perImage());
  }
}
