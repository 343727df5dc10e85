package dev.sscam.cam.gradient;

import dev.sscam.cam.GaussianNoise;
import dev.sscam.cam.NoiseSeed;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The noise Smooth Grad-CAM++ adds to its input, {@code σ·ε_s} with {@code ε_s ~ N(0, 1)} per input
 * element of copy {@code s}, drawn from a {@link GaussianNoise} stream seeded by the run's seed and {@code s}.
 *
 * <p>It does not depend on the image, so a run over many images with one seed draws it once: the
 * last {@value #KEPT} sets are kept (150,528 Gaussian numbers per copy of a 224 × 224 input cost
 * about a forward pass of a small model; a set is 0.6 MB). The terms are the floats the uncached
 * draw made, {@code (float) (σ · ε)}, so a map is bit for bit the same either way.
 */
final class SmoothingNoise {
  /** How many sets of terms are kept (least recently used dropped first). */
  static final int KEPT = 16;

  private record Key(long seed, long salt, int copy, double sigma, int length) {}

  private static final Map<Key, float[]> TERMS = new LinkedHashMap<>(32, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, float[]> eldest) {
      return size() > KEPT;
    }
  };

  private SmoothingNoise() {}

  /**
   * The terms {@code (float) (σ · ε)} of copy {@code copy}, {@code length} of them; read-only (shared
   * by every caller with the same arguments).
   */
  static float[] terms(long seed, long salt, int copy, double sigma, int length) {
    Key key = new Key(seed, salt, copy, sigma, length);
    synchronized (TERMS) {
      float[] kept = TERMS.get(key);
      if (kept != null) {
        return kept;
      }
    }
    // Drawn outside the lock: copies are drawn in parallel, and a race only draws the same floats twice.
    float[] t = new float[length];
    new GaussianNoise(NoiseSeed.of(seed, salt, copy)).fill(t, 0, length);
    for (int p = 0; p < length; p++) {
      t[p] = (float) (sigma * t[p]);
    }
    synchronized (TERMS) {
      TERMS.put(key, t);
    }
    return t;
  }

  /** Drops every kept set (for tests: the next call draws again). */
  static void forget() {
    synchronized (TERMS) {
      TERMS.clear();
    }
  }

  /** How many sets are kept now (for tests). */
  static int kept() {
    synchronized (TERMS) {
      return TERMS.size();
    }
  }
}
