package dev.sscam.cam;

import java.util.SplittableRandom;

/**
 * SS-CAM, Smoothed Score-CAM (PAPER.md):
 *
 * <ul>
 *   <li>(1) {@link Smoothing#MASK}: {@code α_k = (1/N) Σ_i [s_c(X0 ∘ (H_k + ε_i)) − s_c(X_b)]},
 *       {@code ε_i ~ N(0, σ²)} of shape H×W, broadcast over colour channels;
 *   <li>(2) {@link Smoothing#INPUT}: {@code α_k = (1/N) Σ_i [s_c(X0 ∘ H_k + ε_i) − s_c(X_b)]},
 *       {@code ε_i ~ N(0, σ²)} of shape 3×H×W.
 * </ul>
 *
 * <p>Channels that are zero everywhere add nothing to {@code L} and get no forward pass. Each
 * {@code ε_i} of channel {@code k} is drawn from its own generator seeded by {@code (seed, k, i)}, so
 * the map is the same bit for bit whatever the batch size or thread count.
 */
public final class SsCam implements CamMethod {
  private final Smoothing smoothing;

  /** SS-CAM with noise on the mask (1) or on the input (2). */
  public SsCam(Smoothing smoothing) {
    this.smoothing = smoothing;
  }

  @Override
  public String id() {
    return smoothing == Smoothing.MASK ? "ss-cam-1" : "ss-cam-2";
  }

  @Override
  public String title() {
    return smoothing == Smoothing.MASK ? "SS-CAM (1)" : "SS-CAM (2)";
  }

  @Override
  public boolean weighsByScores() {
    return true;
  }

  @Override
  public ChannelWeights weights(CamContext ctx) {
    int[] active = ActiveChannels.nonZero(ctx);
    int n = ctx.options().samples();
    double sigma = ctx.options().sigma();
    long seed = ctx.options().seed();
    int pixels = ctx.inputPixels();
    float[] x0 = ctx.input();
    float[] mask = new float[pixels];
    int[] maskOf = {-1};
    double[] scores = ctx.scoring().scores(active.length * n, (index, dst, off) -> {
      int k = active[index / n];
      int i = index % n;
      if (maskOf[0] != k) {
        ctx.mask(k, mask);
        maskOf[0] = k;
      }
      SplittableRandom noise = new SplittableRandom(NoiseSeed.of(seed, k, i));
      if (smoothing == Smoothing.MASK) {
        for (int p = 0; p < pixels; p++) {
          float m = mask[p] + (float) (sigma * noise.nextGaussian());
          dst[off + p] = x0[p] * m;
          dst[off + pixels + p] = x0[pixels + p] * m;
          dst[off + 2 * pixels + p] = x0[2 * pixels + p] * m;
        }
      } else {
        for (int ch = 0; ch < 3; ch++) {
          int base = ch * pixels;
          for (int p = 0; p < pixels; p++) {
            dst[off + base + p] = x0[base + p] * mask[p] + (float) (sigma * noise.nextGaussian());
          }
        }
      }
    }, ctx.classIndex(), ctx.options().score(), ctx.progress());
    double baseline = ctx.baselineScore();
    float[] alpha = new float[ctx.channels()];
    for (int a = 0; a < active.length; a++) {
      // Running mean: N equal terms give exactly that term (σ = 0 reproduces Score-CAM bit for bit).
      double mean = 0;
      for (int i = 0; i < n; i++) {
        mean += ((scores[a * n + i] - baseline) - mean) / (i + 1);
      }
      alpha[active[a]] = (float) mean;
    }
    return new ChannelWeights(alpha, (long) active.length * n + 1L);
  }
}
