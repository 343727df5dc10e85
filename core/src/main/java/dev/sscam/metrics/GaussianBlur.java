package dev.sscam.metrics;

import dev.sscam.SscamException;

/**
 * The Gaussian blur that gives insertion its starting image, as torchvision's
 * {@code transforms.GaussianBlur(kernel_size, sigma)} computes it.
 *
 * <pre>
 *   x_t = t − (k−1)/2 for t = 0..k−1,     w_t = exp(−x_t² / (2σ²)) / Σ_u exp(−x_u² / (2σ²))
 *   out(c, y, x) = Σ_{s,t} w_s w_t · in(c, refl(y + s − k/2), refl(x + t − k/2))
 * </pre>
 *
 * The 2-D kernel is the outer product of the 1-D one, so the blur runs separably (rows, then
 * columns), each channel on its own. Borders use reflect padding without repeating the edge
 * ({@code refl(−1) = 1}, {@code refl(n) = n − 2}), as torchvision's {@code mode="reflect"}.
 * Where torch refuses (padding ≥ size, e.g. a 4-pixel side with kernel 11) the reflection is
 * continued periodically (period {@code 2(n−1)}; a 1-pixel side reflects onto itself).
 *
 * <p>RISE's original code builds its kernel by {@code scipy.ndimage.gaussian_filter} of an impulse
 * and convolves with zero padding, which darkens the borders; sscam follows torchvision instead
 * (and the paper's "Gaussian, kernel 11, σ 5" is the same kernel in the interior up to scipy's
 * truncation). Accumulation is in double; results are rounded to float once.
 */
public final class GaussianBlur {
  /** The paper's kernel size, 11. */
  public static final int DEFAULT_KERNEL_SIZE = 11;
  /** The paper's σ, 5. */
  public static final double DEFAULT_SIGMA = 5.0;

  private final int kernelSize;
  private final double sigma;
  private final double[] kernel;

  /** The paper's blur: kernel 11, σ 5. */
  public GaussianBlur() {
    this(DEFAULT_KERNEL_SIZE, DEFAULT_SIGMA);
  }

  /**
   * A blur with the given odd kernel size and positive σ.
   *
   * @param kernelSize odd, ≥ 1
   * @param sigma &gt; 0
   */
  public GaussianBlur(int kernelSize, double sigma) {
    if (kernelSize < 1 || kernelSize % 2 == 0) {
      throw new SscamException("blur kernel size must be odd and positive, got " + kernelSize);
    }
    if (!(sigma > 0) || !Double.isFinite(sigma)) {
      throw new SscamException("blur sigma must be positive, got " + sigma);
    }
    this.kernelSize = kernelSize;
    this.sigma = sigma;
    this.kernel = new double[kernelSize];
    double half = (kernelSize - 1) / 2.0;
    double sum = 0;
    for (int t = 0; t < kernelSize; t++) {
      double x = t - half;
      kernel[t] = Math.exp(-0.5 * (x / sigma) * (x / sigma));
      sum += kernel[t];
    }
    for (int t = 0; t < kernelSize; t++) {
      kernel[t] /= sum;
    }
  }

  /** The kernel size k. */
  public int kernelSize() {
    return kernelSize;
  }

  /** σ. */
  public double sigma() {
    return sigma;
  }

  /** The normalised 1-D weights {@code w_0..w_{k−1}} (a copy). */
  public double[] kernel() {
    return kernel.clone();
  }

  /** Blurs every channel of a CHW input; returns a new array. */
  public float[] apply(float[] input, InputShape shape) {
    shape.requireInput("blur input", input);
    int h = shape.height();
    int w = shape.width();
    int r = kernelSize / 2;
    float[] out = new float[input.length];
    double[] rows = new double[h * w];
    for (int c = 0; c < shape.channels(); c++) {
      int base = c * h * w;
      // horizontal pass along x (columns), within each row y
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          double acc = 0;
          for (int t = 0; t < kernelSize; t++) {
            acc += kernel[t] * input[base + y * w + reflect(x + t - r, w)];
          }
          rows[y * w + x] = acc;
        }
      }
      // vertical pass along y (rows)
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          double acc = 0;
          for (int s = 0; s < kernelSize; s++) {
            acc += kernel[s] * rows[reflect(y + s - r, h) * w + x];
          }
          out[base + y * w + x] = (float) acc;
        }
      }
    }
    return out;
  }

  /** Reflect-without-edge index into {@code [0, n)}, continued periodically. */
  static int reflect(int i, int n) {
    if (n == 1) {
      return 0;
    }
    int period = 2 * (n - 1);
    int m = Math.floorMod(i, period);
    return m < n ? m : period - m;
  }
}
