package dev.sscam.cam;

/**
 * Min-max normalisation {@code s(M) = (M − min M) / (max M − min M)}, exact (no epsilon), so a map
 * of any scale normalises the same; a constant map becomes all zeros, never NaN (PAPER.md).
 */
public final class MinMax {
  private MinMax() {}

  /**
   * Normalises {@code m} in place and returns it. In float32 as PyTorch's {@code (x − x.min()) /
   * (x.max() − x.min())} computes it (a loop the JIT vectorises: Score-CAM and SS-CAM normalise
   * one mask per forward pass); in double only when {@code max − min} overflows float.
   */
  public static float[] normaliseInPlace(float[] m) {
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (float v : m) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    float range = max - min;
    if (!(range > 0)) {
      java.util.Arrays.fill(m, 0f);
      return m;
    }
    if (range == Float.POSITIVE_INFINITY) {
      double wide = (double) max - min;
      for (int i = 0; i < m.length; i++) {
        m[i] = (float) ((m[i] - (double) min) / wide);
      }
      return m;
    }
    for (int i = 0; i < m.length; i++) {
      m[i] = (m[i] - min) / range;
    }
    return m;
  }

  /** {@code max m − min m}, in double (0 for a constant map). */
  public static double range(float[] m) {
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (float v : m) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    return (double) max - min;
  }

  /** A normalised copy of {@code m}. */
  public static float[] normalise(float[] m) {
    return normaliseInPlace(m.clone());
  }

  /** Whether {@code m[off..off+len)} is constant (such a map normalises to zeros). */
  public static boolean isConstant(float[] m, int off, int len) {
    float first = m[off];
    for (int i = off + 1; i < off + len; i++) {
      if (m[i] != first) {
        return false;
      }
    }
    return true;
  }
}
