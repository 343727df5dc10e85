package dev.sscam.cam;

/**
 * The forward passes a score-based method averages into its channel weights: for each active
 * channel {@code active[a]}, {@code perChannel} inputs (draws) whose class scores, less the
 * subtracted baseline, average to {@code α_k} (Score-CAM: one draw, {@code X0 ∘ H_k}; SS-CAM: the
 * N noisy inputs, draw {@code i} seeded by {@code (seed, k, i)}). The exact method scores them all;
 * fast mode ({@link FastChannelWeights}) scores a subset.
 *
 * @param active the channels that need forward passes
 * @param perChannel draws per channel
 * @param builder builds draw {@code i} of channel {@code active[a]}
 * @param noiseStd the std of the noise in channel {@code active[a]}'s draws, or null without noise
 *     (fast mode picks the channels it learns the draws' spread from across this range)
 */
public record ScoreDraws(int[] active, int perChannel, Builder builder, double[] noiseStd) {
  /** Builds one draw into {@code dst} at {@code offset}. */
  @FunctionalInterface
  public interface Builder {
    void build(int a, int i, float[] dst, int offset);
  }

  /** The exact method's forward passes on the weights, as it counts them. */
  long exactPasses() {
    return (long) active.length * perChannel + 1L;
  }

  /**
   * The exact weights: every draw scored, {@code α_k = (1/n) Σ_i [s_c(draw_i) − b]}, or exact weights
   * computed fast when the options ask for fast mode.
   */
  public ChannelWeights weights(CamContext ctx) {
    if (ctx.options().fast() != null) {
      return FastChannelWeights.estimate(ctx, this);
    }
    return exactWeights(ctx);
  }

  /** Every draw scored, whatever the options say of fast mode (for draws that are not random samples). */
  public ChannelWeights exactWeights(CamContext ctx) {
    int n = perChannel;
    double[] scores = ctx.scoring().scores(active.length * n, (index, dst, off) -> builder.build(index / n, index % n,
        dst, off), ctx.classIndex(), ctx.options().score(), ctx.progress());
    double baseline = ctx.subtractedBaseline();
    float[] alpha = new float[ctx.channels()];
    for (int a = 0; a < active.length; a++) {
      alpha[active[a]] = (float) mean(scores, a * n, n, baseline);
    }
    return new ChannelWeights(alpha, exactPasses());
  }

  /**
   * The running mean of {@code scores[off..off+n) − baseline}, in index order: n equal terms give
   * exactly that term (σ = 0 reproduces Score-CAM bit for bit), and the fast mode's mean of the same
   * draws is the same number.
   */
  static double mean(double[] scores, int off, int n, double baseline) {
    double mean = 0;
    for (int i = 0; i < n; i++) {
      mean += ((scores[off + i] - baseline) - mean) / (i + 1);
    }
    return mean;
  }
}
