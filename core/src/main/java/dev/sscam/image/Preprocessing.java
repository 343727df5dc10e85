package dev.sscam.image;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The input transform a torchvision-trained classifier expects: {@code Resize((height, width),
 * BILINEAR)} on the PIL image, {@code ToTensor()} and {@code Normalize(mean, std)}. For channel
 * {@code c} and pixel {@code (y, x)} of the resized 8-bit image {@code R}:
 *
 * <pre>
 *   x[c, y, x] = (R_c(y, x) / 255 - mean[c]) / std[c]
 * </pre>
 *
 * computed in float32 as torch does ({@code div(255)}, then {@code sub_(mean).div_(std)}), laid out
 * CHW (channel-major, then rows) in one {@code float[3 * height * width]}.
 *
 * @param height rows of the model input
 * @param width columns of the model input
 * @param mean per-channel mean (R, G, B), in [0,1] units
 * @param std per-channel standard deviation (R, G, B), positive
 */
public record Preprocessing(int height, int width, double[] mean, double[] std) {

  /** ImageNet statistics torchvision's pretrained models use. */
  public static final double[] IMAGENET_MEAN = {0.485, 0.456, 0.406};

  /** ImageNet standard deviations torchvision's pretrained models use. */
  public static final double[] IMAGENET_STD = {0.229, 0.224, 0.225};

  /** Validates sizes and statistics; copies the arrays so the record stays immutable. */
  public Preprocessing {
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException("input size must be positive: " + height + "x" + width);
    }
    if (mean == null || mean.length != 3 || std == null || std.length != 3) {
      throw new IllegalArgumentException("mean and std need exactly 3 values (R, G, B)");
    }
    for (double s : std) {
      if (!(s > 0) || !Double.isFinite(s)) {
        throw new IllegalArgumentException("std values must be positive: " + Arrays.toString(std));
      }
    }
    mean = mean.clone();
    std = std.clone();
  }

  /** 224&times;224 with ImageNet mean and std: torchvision's classification preset. */
  public static Preprocessing imagenet() {
    return new Preprocessing(224, 224, IMAGENET_MEAN, IMAGENET_STD);
  }

  @Override
  public double[] mean() {
    return mean.clone();
  }

  @Override
  public double[] std() {
    return std.clone();
  }

  /** Equal when sizes and every mean/std value are equal (arrays compared by content). */
  @Override
  public boolean equals(Object o) {
    return o instanceof Preprocessing p && p.height == height && p.width == width
        && Arrays.equals(p.mean, mean) && Arrays.equals(p.std, std);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * (31 * height + width) + Arrays.hashCode(mean)) + Arrays.hashCode(std);
  }

  @Override
  public String toString() {
    return "Preprocessing[" + height + "x" + width + ", mean=" + Arrays.toString(mean)
        + ", std=" + Arrays.toString(std) + "]";
  }

  /** The image the model sees before normalisation: {@link PilResize#bilinear} to width&times;height. */
  public BufferedImage resize(BufferedImage image) {
    return PilResize.bilinear(image, width, height);
  }

  /** Resizes and normalises {@code image}: the CHW float tensor, length 3&middot;height&middot;width. */
  public float[] apply(BufferedImage image) {
    return normalize(resize(image));
  }

  /** Reads {@code file} with {@link ImageReader#read} and applies this transform. */
  public float[] apply(Path file) {
    return apply(ImageReader.read(file));
  }

  /**
   * Normalises an image already of size width&times;height (no resizing):
   * {@code (v / 255 - mean[c]) / std[c]} per channel, CHW.
   */
  public float[] normalize(BufferedImage resized) {
    if (resized.getWidth() != width || resized.getHeight() != height) {
      throw new IllegalArgumentException(
          "image is " + resized.getWidth() + "x" + resized.getHeight()
              + ", expected " + width + "x" + height);
    }
    int plane = width * height;
    int[] rgb = resized.getRGB(0, 0, width, height, null, 0, width);
    float[] out = new float[3 * plane];
    // torch holds mean/std as float32 tensors; the arithmetic is float32 throughout.
    float[] m = {(float) mean[0], (float) mean[1], (float) mean[2]};
    float[] s = {(float) std[0], (float) std[1], (float) std[2]};
    for (int i = 0; i < plane; i++) {
      int p = rgb[i];
      int[] v = {(p >>> 16) & 0xFF, (p >>> 8) & 0xFF, p & 0xFF};
      for (int c = 0; c < 3; c++) {
        float x = v[c] / 255f;
        out[c * plane + i] = (x - m[c]) / s[c];
      }
    }
    return out;
  }
}
