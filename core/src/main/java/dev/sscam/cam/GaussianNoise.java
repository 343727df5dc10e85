package dev.sscam.cam;

/**
 * A stream of standard normal numbers {@code ε ~ N(0, 1)} in float, for the noise SS-CAM adds to
 * every masked input (150,528 numbers per forward pass at 224 × 224, SS-CAM (2)) and Smooth
 * Grad-CAM++ adds to its copies.
 *
 * <p>Why not {@code SplittableRandom.nextGaussian}: at 4 ns a number it cost SS-CAM (2) on a small
 * ViT a sixth of the forward passes' time. This is Marsaglia and Tsang's ziggurat (2000, 128
 * layers) at 2.4 ns a number, with the fix of Doornik (2005) for its one known defect: the layer
 * and the value come from separate bits of the random word, not from the same ones. Each 64-bit
 * word of xoroshiro128++ gives two numbers: layers from bits 0–6 and 32–38, values from the
 * 24-bit signed fields at bits 8–31 and 40–63 (float holds 24 bits). The wedges and the tail
 * beyond r = 3.4426 are sampled exactly (rejection against the density, Marsaglia's tail method),
 * so the numbers are exactly normal up to the 2⁻²³ resolution of a layer.
 *
 * <p>The stream is a function of its seed ({@link NoiseSeed} derives one per draw), so a map is
 * the same on every run and thread.
 */
public final class GaussianNoise {
  private static final int LAYERS = 128;
  /** Where the base strip's tail begins. */
  private static final double R = 3.442619855899;
  /** The area of each layer (and of the base strip with its tail). */
  private static final double V = 9.91256303526217e-3;
  /** Values are 24-bit signed integers, |hz| < 2²³. */
  private static final double M = 8388608.0;

  private static final int[] K = new int[LAYERS];
  private static final float[] W = new float[LAYERS];
  private static final float[] F = new float[LAYERS];

  static {
    double dn = R;
    double tn = dn;
    double q = V / Math.exp(-0.5 * dn * dn);
    K[0] = (int) ((dn / q) * M);
    K[1] = 0;
    W[0] = (float) (q / M);
    W[LAYERS - 1] = (float) (dn / M);
    F[0] = 1.0f;
    F[LAYERS - 1] = (float) Math.exp(-0.5 * dn * dn);
    for (int i = LAYERS - 2; i >= 1; i--) {
      dn = Math.sqrt(-2.0 * Math.log(V / dn + Math.exp(-0.5 * dn * dn)));
      K[i + 1] = (int) ((dn / tn) * M);
      tn = dn;
      F[i] = (float) Math.exp(-0.5 * dn * dn);
      W[i] = (float) (dn / M);
    }
  }

  private long s0;
  private long s1;

  /** The stream of {@code seed} (any 64-bit value; its state is mixed from it). */
  public GaussianNoise(long seed) {
    s0 = mix(seed);
    s1 = mix(seed + 0x9E3779B97F4A7C15L);
    if (s0 == 0 && s1 == 0) {
      s1 = 1; // the one state xoroshiro cannot leave
    }
  }

  /** Fills {@code out[off, off + n)} with the stream's next {@code n} numbers. */
  public void fill(float[] out, int off, int n) {
    int end = off + n;
    int q = off;
    // The generator's state in locals, written back only around the rare slow path and at the end:
    // as fields they were stored on every word (the slow path is a call the JIT cannot see through).
    long a = s0;
    long b = s1;
    while (q < end) {
      long r = Long.rotateLeft(a + b, 17) + a;
      b ^= a;
      a = Long.rotateLeft(a, 49) ^ b ^ (b << 21);
      b = Long.rotateLeft(b, 28);
      // The word's two numbers are written out one after the other: as a loop over its two halves
      // (the same numbers) the fill took 3.5 ns a number instead of 2.5.
      int hz = ((int) r) >> 8;
      int iz = (int) r & (LAYERS - 1);
      if (Math.abs(hz) < K[iz]) {
        out[q++] = hz * W[iz];
      } else {
        s0 = a;
        s1 = b;
        out[q++] = outsideTheRectangle(hz, iz);
        a = s0;
        b = s1;
      }
      if (q < end) {
        hz = (int) (r >> 40);
        iz = (int) (r >>> 32) & (LAYERS - 1);
        if (Math.abs(hz) < K[iz]) {
          out[q++] = hz * W[iz];
        } else {
          s0 = a;
          s1 = b;
          out[q++] = outsideTheRectangle(hz, iz);
          a = s0;
          b = s1;
        }
      }
    }
    s0 = a;
    s1 = b;
  }

  /** The rare case (about 1 in 80): the tail, or a wedge's rejection test. */
  private float outsideTheRectangle(int hz, int iz) {
    while (true) {
      float x = hz * W[iz];
      if (iz == 0) {
        double tx;
        double ty;
        do {
          tx = -Math.log(uniform()) / R;
          ty = -Math.log(uniform());
        } while (ty + ty < tx * tx);
        return (float) (hz > 0 ? R + tx : -R - tx);
      }
      if (F[iz] + uniform() * (F[iz - 1] - F[iz]) < Math.exp(-0.5 * x * x)) {
        return x;
      }
      long r = nextWord();
      hz = ((int) r) >> 8;
      iz = (int) r & (LAYERS - 1);
      if (Math.abs(hz) < K[iz]) {
        return hz * W[iz];
      }
    }
  }

  /** Uniform in (0, 1), never 0 (it feeds a logarithm). */
  private double uniform() {
    return ((nextWord() >>> 11) + 0.5) * 0x1.0p-53;
  }

  /** xoroshiro128++ (Blackman and Vigna 2019): unlike 128+, its low bits are as good as its high ones. */
  private long nextWord() {
    long a = s0;
    long b = s1;
    long result = Long.rotateLeft(a + b, 17) + a;
    b ^= a;
    s0 = Long.rotateLeft(a, 49) ^ b ^ (b << 21);
    s1 = Long.rotateLeft(b, 28);
    return result;
  }

  /** SplitMix64's finaliser: a seed's bits spread over the state. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
