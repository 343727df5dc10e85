package dev.sscam.cam;

/** Derives one generator seed per noise draw from the run's seed and the draw's coordinates. */
public final class NoiseSeed {
  private NoiseSeed() {}

  /** A well-mixed 64-bit seed for draw {@code (a, b)} of run {@code seed} (SplitMix64 finaliser). */
  public static long of(long seed, long a, long b) {
    return mix(mix(mix(seed) ^ (a * 0x9E3779B97F4A7C15L)) ^ (b * 0xC2B2AE3D27D4EB4FL));
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
