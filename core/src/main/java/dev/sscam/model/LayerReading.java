package dev.sscam.model;

/**
 * How a layer's tensor is read as the CAM activations {@code A ∈ R^{K×h×w}} (channels first), for
 * activations and gradients alike.
 *
 * <ul>
 *   <li>{@link ChannelsFirst} {@code [N, K, h, w]}: a CNN's feature map, read as it is ({@code NCHW}).
 *   <li>{@link ChannelsLast} {@code [N, h, w, K]}: Swin's blocks, ConvNeXt's LayerNorm ({@code NHWC}).
 *   <li>{@link Tokens} {@code [N, P + h·w, K]}: a transformer's token sequence; the {@code P} prefix
 *       tokens (class, distillation, registers) are dropped and the patch tokens laid on their
 *       {@code h × w} grid, row by row: what pytorch-grad-cam's {@code reshape_transform} does by
 *       hand, {@code x[:, P:, :].reshape(N, h, w, K).permute(0, 3, 1, 2)}.
 * </ul>
 */
public sealed interface LayerReading {
  /** Channels K. */
  int channels();

  /** Grid height h. */
  int height();

  /** Grid width w. */
  int width();

  /** Floats per image in the layer's own tensor. */
  int rawSize();

  /** How {@code sscam layers} and provenance name it: {@code NCHW}, {@code NHWC}, {@code tokens 1+14x14}. */
  String label();

  /**
   * Index in the layer's own tensor (one image) of channel {@code k} at grid cell {@code (i, j)}.
   */
  int rawIndex(int k, int i, int j);

  /** {@code n} images of the layer's own tensor as {@code [n, K, h, w]} (the input itself for NCHW). */
  default float[] toChannelsFirst(float[] raw, int n) {
    int per = channels() * height() * width();
    int rawPer = rawSize();
    if (raw.length < (long) n * rawPer) {
      throw new IllegalArgumentException("expected " + n + " x " + rawPer + " floats, got " + raw.length);
    }
    float[] out = new float[n * per];
    for (int s = 0; s < n; s++) {
      int o = s * per;
      for (int k = 0; k < channels(); k++) {
        for (int i = 0; i < height(); i++) {
          for (int j = 0; j < width(); j++) {
            out[o++] = raw[s * rawPer + rawIndex(k, i, j)];
          }
        }
      }
    }
    return out;
  }

  /** {@code [N, K, h, w]}, read as it is. */
  record ChannelsFirst(int channels, int height, int width) implements LayerReading {
    @Override
    public int rawSize() {
      return channels * height * width;
    }

    @Override
    public String label() {
      return "NCHW";
    }

    @Override
    public int rawIndex(int k, int i, int j) {
      return (k * height + i) * width + j;
    }

    @Override
    public float[] toChannelsFirst(float[] raw, int n) {
      return raw.length == n * rawSize() ? raw : java.util.Arrays.copyOf(raw, n * rawSize());
    }
  }

  /** {@code [N, h, w, K]}. */
  record ChannelsLast(int height, int width, int channels) implements LayerReading {
    @Override
    public int rawSize() {
      return channels * height * width;
    }

    @Override
    public String label() {
      return "NHWC";
    }

    @Override
    public int rawIndex(int k, int i, int j) {
      return (i * width + j) * channels + k;
    }

    @Override
    public float[] toChannelsFirst(float[] raw, int n) {
      return positionsFirst(raw, n, rawSize(), 0, height * width, channels);
    }
  }

  /**
   * {@code [N, P + h·w, K]}: {@code prefix} leading tokens, then the patch tokens in row-major grid
   * order.
   */
  record Tokens(int prefix, int height, int width, int channels) implements LayerReading {
    @Override
    public int rawSize() {
      return (prefix + height * width) * channels;
    }

    @Override
    public String label() {
      return "tokens " + prefix + "+" + height + "x" + width;
    }

    @Override
    public int rawIndex(int k, int i, int j) {
      return (prefix + i * width + j) * channels + k;
    }

    @Override
    public float[] toChannelsFirst(float[] raw, int n) {
      return positionsFirst(raw, n, rawSize(), prefix * channels, height * width, channels);
    }
  }

  /**
   * The transpose of {@code n} samples stored position by position ({@code [positions, K]} from
   * {@code offset}) into {@code [K, positions]}, read in storage order (a gradient map's reading is
   * on every map's path).
   */
  private static float[] positionsFirst(float[] raw, int n, int rawPer, int offset, int positions, int channels) {
    if (raw.length < (long) n * rawPer) {
      throw new IllegalArgumentException("expected " + n + " x " + rawPer + " floats, got " + raw.length);
    }
    int per = positions * channels;
    float[] out = new float[n * per];
    for (int s = 0; s < n; s++) {
      int in = s * rawPer + offset;
      int o = s * per;
      for (int p = 0; p < positions; p++) {
        for (int k = 0; k < channels; k++) {
          out[o + k * positions + p] = raw[in++];
        }
      }
    }
    return out;
  }
}
