package dev.sscam.cam.score;

import dev.sscam.cam.ActiveChannels;
import dev.sscam.cam.CamContext;
import dev.sscam.cam.CamMethod;
import dev.sscam.cam.ChannelWeights;
import dev.sscam.cam.GaussianNoise;
import dev.sscam.cam.MaskedInputs;
import dev.sscam.cam.MinMax;
import dev.sscam.cam.NoiseScale;
import dev.sscam.cam.NoiseSeed;
import dev.sscam.cam.Reading;
import dev.sscam.cam.ScoreDraws;
import dev.sscam.cam.Smoothing;
import dev.sscam.cam.SsCam1Mask;

/**
 * SS-CAM, Smoothed Score-CAM (PAPER.md). With {@code b = s_c(X_b)} under {@code baseline=subtract}
 * and 0 under {@code none}, and {@code std(x)} the noise scale ({@code σ}, or {@code (σ / (max x −
 * min x))²} under {@code noise-scale=range-squared}):
 *
 * <ul>
 *   <li>(1) {@link Smoothing#MASK}: {@code α_k = (1/N) Σ_i [s_c(X0 ∘ (x + ε_i)) − b]}, {@code x = H_k}
 *       ({@code ss-cam-1-mask=normalised}) or the raw {@code U(A_k)} ({@code raw}, the authors' code);
 *       {@code ε_i} of shape H×W with std {@code std(x)}, broadcast over colour channels;
 *   <li>(2) {@link Smoothing#INPUT}: {@code m = X0 ∘ H_k}, {@code α_k = (1/N) Σ_i [s_c(m + ε_i) − b]},
 *       {@code ε_i} of shape 3×H×W with std {@code std(m)}.
 * </ul>
 *
 * <p>Skipped channels get {@code α_k = 0} and no forward pass: with absolute noise those zero
 * everywhere (they add nothing to {@code L} whatever their weight); with range-scaled noise every
 * constant one (its scale is undefined; the authors' code skips them). Each {@code ε_i} of channel
 * {@code k} is drawn from its own generator seeded by {@code (seed, k, i)}, so the map is the same bit
 * for bit whatever the batch size or thread count.
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
    Reading reading = ctx.options().reading();
    int[] active = reading.noiseScale() == NoiseScale.ABSOLUTE ? ActiveChannels.nonZero(ctx)
        : ActiveChannels.nonConstant(ctx);
    NoisyInputs inputs = new NoisyInputs(ctx, smoothing, active);
    double[] noiseStd = ctx.options().fast() == null ? null : inputs.noiseStds();
    return new ScoreDraws(active, ctx.options().samples(), inputs::build, noiseStd).weights(ctx);
  }

  /**
   * Builds SS-CAM's noisy input {@code i} of channel {@code active[a]}. Called from one thread, channel
   * by channel, so the channel's base tensor and noise std are computed once per run of its draws.
   */
  static final class NoisyInputs {
    private final CamContext ctx;
    private final Smoothing smoothing;
    private final int[] active;
    private final int pixels;
    private final float[] x0;
    private final float[] base;
    /**
     * SS-CAM (1)'s standard normal numbers for the mask, before they are scaled by the std (SS-CAM (2)
     * draws straight into the batch).
     */
    private final float[] epsilon;
    private int baseOf = -1;
    private double std;

    NoisyInputs(CamContext ctx, Smoothing smoothing, int[] active) {
      this.ctx = ctx;
      this.smoothing = smoothing;
      this.active = active;
      this.pixels = ctx.inputPixels();
      this.x0 = ctx.input();
      this.base = new float[smoothing == Smoothing.MASK ? pixels : 3 * pixels];
      this.epsilon = smoothing == Smoothing.MASK ? new float[pixels] : null;
    }

    void build(int a, int i, float[] dst, int off) {
      int k = active[a];
      if (baseOf != k) {
        prepare(k);
        baseOf = k;
      }
      GaussianNoise noise = new GaussianNoise(NoiseSeed.of(ctx.options().seed(), k, i));
      float s = (float) std;
      if (smoothing == Smoothing.MASK) {
        noise.fill(epsilon, 0, pixels);
        for (int p = 0; p < pixels; p++) {
          float m = base[p] + s * epsilon[p];
          dst[off + p] = x0[p] * m;
          dst[off + pixels + p] = x0[pixels + p] * m;
          dst[off + 2 * pixels + p] = x0[2 * pixels + p] * m;
        }
      } else {
        // The numbers go straight into the batch and are scaled there: one pass over 600 KB, not two.
        noise.fill(dst, off, 3 * pixels);
        for (int q = 0; q < 3 * pixels; q++) {
          dst[off + q] = base[q] + s * dst[off + q];
        }
      }
    }

    /** The noise std of every active channel, in the order of {@code active} (fast mode's planning). */
    double[] noiseStds() {
      double[] out = new double[active.length];
      for (int a = 0; a < active.length; a++) {
        prepare(active[a]);
        out[a] = std;
      }
      baseOf = -1;
      return out;
    }

    /** The tensor noise is added to for channel {@code k}, and the noise std for it. */
    private void prepare(int k) {
      Reading reading = ctx.options().reading();
      if (smoothing == Smoothing.MASK) {
        if (reading.ssCam1Mask() == SsCam1Mask.RAW) {
          ctx.upsampled(k, base);
        } else {
          ctx.mask(k, base);
        }
      } else {
        float[] mask = new float[pixels];
        ctx.mask(k, mask);
        MaskedInputs.multiply(x0, mask, pixels, base, 0);
      }
      std = reading.noiseScale().std(ctx.options().sigma(), MinMax.range(base));
    }

  }
}
