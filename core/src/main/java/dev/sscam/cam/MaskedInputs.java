package dev.sscam.cam;

/** The element-wise products that turn {@code X0} and a mask into a masked input. */
public final class MaskedInputs {
  private MaskedInputs() {}

  /** {@code dst[off..] = X0 ∘ m}, the H×W mask broadcast over the 3 colour channels. */
  public static void multiply(float[] x0, float[] mask, int pixels, float[] dst, int off) {
    for (int ch = 0; ch < 3; ch++) {
      int base = ch * pixels;
      for (int p = 0; p < pixels; p++) {
        dst[off + base + p] = x0[base + p] * mask[p];
      }
    }
  }
}
