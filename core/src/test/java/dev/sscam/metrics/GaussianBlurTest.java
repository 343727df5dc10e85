package dev.sscam.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sscam.SscamException;
import org.junit.jupiter.api.Test;

/** The kernel-11, σ-5 blur against hand-computed weights. */
class GaussianBlurTest {
  // w_t ∝ exp(−x²/(2·25)), x = −5..5: exp(0) = 1, exp(−1/50) = 0.98019867, exp(−4/50) = 0.92311635,
  // exp(−9/50) = 0.83527021, exp(−16/50) = 0.72614904, exp(−25/50) = 0.60653066;
  // Z = 1 + 2·(0.98019867 + 0.92311635 + 0.83527021 + 0.72614904 + 0.60653066) = 9.14252986
  // w_0..w_5 = 1/Z, 0.98019867/Z, ... :
  static final double[] HALF = {0.10937892, 0.10721307, 0.10096946, 0.09136095, 0.07942539, 0.06634167};

  static double w(int offset) {
    return HALF[Math.abs(offset)];
  }

  @Test
  void kernelWeights() {
    double[] k = new GaussianBlur().kernel();
    assertThat(k).hasSize(11);
    for (int t = 0; t < 11; t++) {
      assertThat(k[t]).as("w[" + t + "]").isCloseTo(w(t - 5), within(5e-8));
    }
  }

  @Test
  void impulseInTheInteriorSpreadsAsTheOuterProduct() {
    // 21×21, impulse at (y=10, x=10): out(10+dy, 10+dx) = w(dy)·w(dx) for |d| ≤ 5, else 0
    InputShape shape = new InputShape(1, 21, 21);
    float[] img = new float[shape.size()];
    img[10 * 21 + 10] = 1f;
    float[] out = new GaussianBlur().apply(img, shape);
    for (int y = 0; y < 21; y++) {
      for (int x = 0; x < 21; x++) {
        int dy = y - 10;
        int dx = x - 10;
        double expected = Math.abs(dy) <= 5 && Math.abs(dx) <= 5 ? w(dy) * w(dx) : 0;
        assertThat((double) out[y * 21 + x]).as("(%d,%d)", y, x).isCloseTo(expected, within(1e-7));
      }
    }
    // the centre: w0² = 0.10937892² = 0.0119638
    assertThat((double) out[10 * 21 + 10]).isCloseTo(0.0119638, within(1e-6));
  }

  @Test
  void bordersReflectWithoutRepeatingTheEdge() {
    // 11×11, impulse at (y=0, x=1). At (0,0) the x taps reach x = −1 and x = 1; reflect maps −1 → 1,
    // so both hit the impulse: out(0,0) = w(0)·2·w(1) = 0.10937892 · 2 · 0.10721307 = 0.0234537
    // (zero padding would give w0·w1, edge-replicate padding w0·w1 too).
    InputShape shape = new InputShape(1, 11, 11);
    float[] img = new float[shape.size()];
    img[1] = 1f;
    float[] out = new GaussianBlur().apply(img, shape);
    assertThat((double) out[0]).isCloseTo(0.0234537, within(1e-6));
    // at (0,1) the x taps reach −4..6: x = 1 (centre, w0) and x = −1 → 1 (offset −2, w2) both hit:
    // w0·(w0 + w2) = 0.10937892 · (0.10937892 + 0.10096946) = 0.0230077
    assertThat((double) out[1]).isCloseTo(0.0230077, within(1e-6));
  }

  @Test
  void reflectionContinuesOnTinySides() {
    // n = 4: …, 2, 1, [0, 1, 2, 3], 2, 1, 0, 1, …  (period 6)
    assertThat(GaussianBlur.reflect(-1, 4)).isEqualTo(1);
    assertThat(GaussianBlur.reflect(-3, 4)).isEqualTo(3);
    assertThat(GaussianBlur.reflect(-5, 4)).isEqualTo(1);
    assertThat(GaussianBlur.reflect(4, 4)).isEqualTo(2);
    assertThat(GaussianBlur.reflect(6, 4)).isEqualTo(0);
    assertThat(GaussianBlur.reflect(8, 4)).isEqualTo(2);
    assertThat(GaussianBlur.reflect(-7, 1)).isEqualTo(0);
    // a constant image stays constant even when the kernel is wider than the image
    InputShape shape = new InputShape(3, 2, 3);
    float[] img = new float[shape.size()];
    java.util.Arrays.fill(img, -1.5f);
    for (float v : new GaussianBlur().apply(img, shape)) {
      assertThat(v).isCloseTo(-1.5f, within(1e-6f));
    }
  }

  @Test
  void refusesBadKernels() {
    assertThatThrownBy(() -> new GaussianBlur(10, 5)).isInstanceOf(SscamException.class).hasMessageContaining("odd");
    assertThatThrownBy(() -> new GaussianBlur(11, 0)).isInstanceOf(SscamException.class).hasMessageContaining("sigma");
  }
}
