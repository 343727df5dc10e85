package dev.sscam.cam;

import dev.sscam.Progress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Fast mode ({@link FastMode}): channel weights from a subset of the exact method's draws
 * ({@link ScoreDraws}), taken round by round until the map's estimated error is within tolerance.
 *
 * <p>Every draw is one the exact method scores (draw {@code i} of channel {@code k}, its noise seeded
 * by {@code (seed, k, i)}), and a channel's draws are taken in order {@code 0, 1, ...}: a visited
 * channel's weight is the exact running mean of its first {@code n_k} draws, and one with all {@code
 * N} draws has exactly its exact weight. Rounds of {@value #ROUND} channels, largest {@code ‖A_k‖²}
 * first, give every channel its first draw (the first round two draws each, so that the draws'
 * variance is known, to channels chosen across the noise's range: {@link #firstRound}); a channel may be left without a draw only when the channels left provably
 * cannot move E by more than half the tolerance ({@link #skipBound()}: probability scores, raw
 * weights). Then each round takes the next draw of the {@value #ROUND} channels whose weight variance,
 * times {@code ‖A_k‖²}, one more draw reduces most.
 *
 * <p>Error estimate. A visited channel's weight differs from its exact one by a variance of {@code
 * w_k²/n_k · (1 − n_k/N)} (the mean of {@code n_k} of the exact method's {@code N} draws, without
 * replacement), {@code w_k²} one draw's score variance, estimated on the logit scale where it is about
 * the same for all channels ({@link #drawVariance}): its own sample variance shrunk towards the pooled
 * one, or for a channel with one draw the {@value #UNSEEN_QUANTILE} quantile of the channels'
 * variances. The draws' noise is independent across channels, so a parametric bootstrap is honest:
 * {@value #REPLICATES} weight vectors drawn from that model are turned into maps exactly as the
 * explainer does (softmax, ReLU, upsampling, min-max included), and the estimate is {@value #SAFETY}
 * times the root mean square, over replicates and pixels, of their difference to the fast map, plus
 * the skipped channels' bound. Mapping stops when the estimate is at most the tolerance (never at
 * tolerance 0) or every draw is spent, so it never spends more passes than the exact method, and at
 * tolerance 0 it spends them all and gives the exact map bit for bit.
 *
 * <p>The rounds do not depend on the batch size, so the fast map is as reproducible across batch
 * sizes as the model's scores are (the exact map is, bit for bit, on the shared models).
 */
final class FastChannelWeights {
  /** Draws per round: fixed (not the batch size) so that the plan is the same on any batch size. */
  static final int ROUND = 32;
  /**
   * The bootstrap's RMS is an expected error; the estimate states twice it (as "two standard errors"),
   * since the draws' variances behind it are themselves estimated from few draws.
   */
  static final double SAFETY = 2;
  /** Bootstrap replicates per error estimate. */
  static final int REPLICATES = 16;
  /** Pseudo-draws of the pooled variance in each channel's shrunk variance. */
  private static final double PRIOR_DRAWS = 2;
  /** The quantile of the channels' draw variances assumed for a channel with one draw. */
  static final double UNSEEN_QUANTILE = 0.9;

  private final CamContext ctx;
  private final ScoreDraws draws;
  private final int n;
  private final int channels;
  private final double[][] scores;
  private final int[] taken;
  private final double[] size;
  private final double baseline;

  private FastChannelWeights(CamContext ctx, ScoreDraws draws) {
    this.ctx = ctx;
    this.draws = draws;
    this.n = draws.perChannel();
    this.channels = draws.active().length;
    this.scores = new double[channels][n];
    this.taken = new int[channels];
    this.size = new double[channels];
    int hw = ctx.featureSize();
    float[] a = ctx.activations();
    for (int c = 0; c < channels; c++) {
      int off = draws.active()[c] * hw;
      double s = 0;
      for (int p = 0; p < hw; p++) {
        s += (double) a[off + p] * a[off + p];
      }
      size[c] = s;
    }
    this.baseline = ctx.subtractedBaseline();
  }

  /** The fast weights of {@code draws}, with what they cost and their estimated error. */
  static ChannelWeights estimate(CamContext ctx, ScoreDraws draws) {
    return new FastChannelWeights(ctx, draws).run();
  }

  private ChannelWeights run() {
    double tolerance = ctx.options().fast().tolerance();
    long exact = draws.exactPasses();
    long spent = 0;
    double error = 0;
    while (true) {
      int[][] round = nextRound(tolerance);
      if (round.length == 0) {
        break;
      }
      score(round, spent, exact);
      spent += round.length;
      if (covered(tolerance)) {
        error = estimatedError();
        if (tolerance > 0 && error <= tolerance) {
          break;
        }
      }
    }
    error = estimatedError();
    return new ChannelWeights(weights(), spent + 1L, new FastEstimate(tolerance, spent + 1L, exact, error));
  }

  /** Scores the draws {@code (a, i)} of one round, in that order. */
  private void score(int[][] round, long spent, long exact) {
    Progress progress = ctx.progress();
    double[] s = ctx.scoring().scores(round.length, (j, dst, off) -> draws.builder().build(round[j][0], round[j][1],
        dst, off), ctx.classIndex(), ctx.options().score(), (done, total) -> progress.advance(spent + done, exact));
    for (int j = 0; j < round.length; j++) {
      int a = round[j][0];
      scores[a][round[j][1]] = s[j];
      taken[a]++;
    }
  }

  /**
   * Whether every channel has a draw, or (tolerance > 0) the channels without one provably cannot
   * move E by more than half the tolerance ({@link #skipBound()}).
   */
  private boolean covered(double tolerance) {
    return Arrays.stream(taken).allMatch(t -> t > 0) || (tolerance > 0 && skipBound() <= tolerance / 2);
  }

  /**
   * The next round's draws {@code (a, i)}, sorted by channel. Until every channel that matters has a
   * draw, the next {@value #ROUND} channels by {@code ‖A_k‖²}: the first round takes draws 0 and 1 of
   * each (when N ≥ 2, so that the draws' variance is known), later rounds draw 0. Then the next draw of the
   * channels whose weight variance, times {@code ‖A_k‖²}, one more draw reduces most. Empty when
   * every visited channel has all its draws.
   */
  private int[][] nextRound(double tolerance) {
    Integer[] order = new Integer[channels];
    for (int c = 0; c < channels; c++) {
      order[c] = c;
    }
    List<int[]> out = new ArrayList<>();
    if (!covered(tolerance)) {
      Arrays.sort(order, Comparator.comparingDouble((Integer c) -> -size[c]).thenComparingInt(c -> c));
      boolean first = Arrays.stream(taken).allMatch(t -> t == 0);
      if (first && n >= 2) {
        for (int c : firstRound(order)) {
          out.add(new int[] {c, 0});
          out.add(new int[] {c, 1});
        }
      } else {
        for (int j = 0; j < channels && out.size() < ROUND; j++) {
          if (taken[order[j]] == 0) {
            out.add(new int[] {order[j], 0});
          }
        }
      }
    } else {
      double[] gain = new double[channels];
      double[] prior = drawVariancePrior();
      for (int c = 0; c < channels; c++) {
        gain[c] = taken[c] == n || taken[c] == 0 ? Double.NEGATIVE_INFINITY
            : (variance(c, taken[c], prior) - variance(c, taken[c] + 1, prior)) * size[c];
      }
      Arrays.sort(order, Comparator.comparingDouble((Integer c) -> -gain[c]).thenComparingInt(c -> c));
      for (int j = 0; j < channels && out.size() < ROUND && gain[order[j]] > Double.NEGATIVE_INFINITY; j++) {
        out.add(new int[] {order[j], taken[order[j]]});
      }
    }
    out.sort(Comparator.<int[]>comparingInt(d -> d[0]).thenComparingInt(d -> d[1]));
    return out.toArray(new int[0][]);
  }

  /**
   * The first round's channels, which get two draws each so that the draws' spread is known: without
   * noise stds, the {@value #ROUND} largest; with them, the {@value #ROUND}/2 largest and {@value
   * #ROUND}/2 of the others evenly spaced in noise std. Why: the spread grows with the noise, and the
   * largest channels (widest activation range) have the least under SS-CAM (1)'s range-scaled noise:
   * measured on ResNet-18h (FS2026_val_00000289 and _126), the largest 32 channels alone predicted a
   * tenth to a twenty-fifth of the other channels' variance (size-weighted), the mixed round 2.5 to 4
   * times it (SS-CAM (1) and (2)).
   */
  private int[] firstRound(Integer[] bySize) {
    double[] std = draws.noiseStd();
    if (std == null || channels <= ROUND) {
      return Arrays.stream(bySize).limit(ROUND).mapToInt(Integer::intValue).toArray();
    }
    int half = ROUND / 2;
    List<Integer> rest = new ArrayList<>(Arrays.asList(bySize).subList(half, channels));
    rest.sort(Comparator.comparingDouble((Integer c) -> std[c]).thenComparingInt(c -> c));
    int[] out = new int[ROUND];
    for (int j = 0; j < half; j++) {
      out[j] = bySize[j];
      out[half + j] = rest.get((int) Math.round((double) j * (rest.size() - 1) / (half - 1)));
    }
    return out;
  }

  /**
   * A bound on how far E can move because the channels without a draw carry the visited channels'
   * mean weight instead of their own: with the scores confined to an interval of width {@code w} (1
   * for probabilities under raw channel weights; unbounded otherwise), {@code |Σ_k (α_k − ᾱ) A_k(p)| ≤
   * b = w · max_p Σ_k |A_k(p)|} over those channels, the upsampling and ReLU do not enlarge it, and
   * min-max normalisation turns a change of at most {@code b} everywhere into one of at most {@code
   * 2b / D} in E, with {@code D} the fast map's range before normalisation.
   */
  private double skipBound() {
    if (Arrays.stream(taken).allMatch(t -> t > 0)) {
      return 0;
    }
    if (ctx.options().score() != Score.PROBABILITY || ctx.options().channelWeighting() != ChannelWeighting.RAW
        || Arrays.stream(taken).allMatch(t -> t == 0)) {
      return Double.POSITIVE_INFINITY;
    }
    int hw = ctx.featureSize();
    float[] act = ctx.activations();
    double[] sum = new double[hw];
    for (int c = 0; c < channels; c++) {
      if (taken[c] == 0) {
        int off = draws.active()[c] * hw;
        for (int p = 0; p < hw; p++) {
          sum[p] += Math.abs(act[off + p]);
        }
      }
    }
    double b = Arrays.stream(sum).max().orElse(0);
    float[] e = Explainer.unnormalisedExplanation(ctx, Explainer.weightedSum(ctx, weights()),
        ctx.options().reading().sumAt());
    double range = MinMax.range(e);
    return range > 0 ? 2 * b / range : Double.POSITIVE_INFINITY;
  }


  /** The variance of visited channel {@code c}'s weight against its exact one after {@code m ≥ 1} draws. */
  private double variance(int c, int m, double[] prior) {
    return drawVariance(c, prior) / m * (1.0 - (double) m / n);
  }

  /**
   * One draw's score variance for channel {@code c}: with two draws or more its own sample variance
   * shrunk towards the pooled one, with one the unseen quantile of {@link #drawVariancePrior}, high on
   * purpose (a channel whose first draw happened to be typical of a wide spread is then drawn again
   * rather than trusted). For probability scores this is done on their logits and mapped back with
   * the log-normal relation {@code Var p ≈ (e^v − 1) (p̄ (1 − p̄))²} ({@code v} the logit's variance,
   * {@code p̄} the channel's mean so far; exact for a log-normal small {@code p}, a little above the
   * delta method's {@code v (p̄ (1 − p̄))²} elsewhere), at most 1/4. Why logits: measured on ResNet-18h
   * (SS-CAM (2), authors, FS2026_val_00000126), one draw's probability variance spans ten orders of
   * magnitude across channels, and the first round's (largest) channels had the smallest, so the
   * pooled quantile assumed 5·10⁻⁹ for channels whose variance was up to 5·10⁻³ and the map stopped
   * with an estimate of 0.0004 against a true error of 0.058; the logit variance spans one order
   * (median 0.42, maximum 1.9), the same in large and small channels.
   */
  private double drawVariance(int c, double[] prior) {
    int m = taken[c];
    double v = m < 2 ? prior[1]
        : ((m - 1) * sampleVariance(draws(c), m) + PRIOR_DRAWS * prior[0]) / (m - 1 + PRIOR_DRAWS);
    if (!logits()) {
      return v;
    }
    double p = clampProbability(ScoreDraws.mean(scores[c], 0, m, 0));
    return Math.min(0.25, Math.expm1(v) * (p * (1 - p)) * (p * (1 - p)));
  }

  /** Whether the draws' spread is estimated on the logit scale: for probability scores. */
  private boolean logits() {
    return ctx.options().score() == Score.PROBABILITY;
  }

  /** Channel {@code c}'s draws so far, on the scale their spread is estimated on ({@link #logits()}). */
  private double[] draws(int c) {
    double[] t = Arrays.copyOf(scores[c], taken[c]);
    if (logits()) {
      for (int i = 0; i < t.length; i++) {
        double p = clampProbability(t[i]);
        t[i] = Math.log(p) - Math.log1p(-p);
      }
    }
    return t;
  }

  /** A probability kept off 0 and 1, whose logits are infinite. */
  private static double clampProbability(double p) {
    return Math.min(1 - 1e-12, Math.max(1e-12, p));
  }

  /**
   * {pooled, unseen}: the draws' variance on the {@link #logits()} scale pooled over channels with at
   * least two draws, and the {@value #UNSEEN_QUANTILE} quantile of those channels' own variances,
   * assumed for a channel with one draw (both 0 when N = 1).
   */
  private double[] drawVariancePrior() {
    double sum = 0;
    int df = 0;
    double[] own = new double[channels];
    int k = 0;
    for (int c = 0; c < channels; c++) {
      if (taken[c] >= 2) {
        double v = sampleVariance(draws(c), taken[c]);
        sum += v * (taken[c] - 1);
        df += taken[c] - 1;
        own[k++] = v;
      }
    }
    if (df == 0) {
      return new double[] {0, 0};
    }
    double[] sorted = Arrays.copyOf(own, k);
    Arrays.sort(sorted);
    double unseen = sorted[Math.min(k - 1, (int) Math.floor(UNSEEN_QUANTILE * k))];
    return new double[] {sum / df, Math.max(sum / df, unseen)};
  }

  private double[] visitedWeights() {
    return java.util.stream.IntStream.range(0, channels).filter(c -> taken[c] > 0)
        .mapToDouble(c -> ScoreDraws.mean(scores[c], 0, taken[c], baseline)).toArray();
  }

  private static double sampleVariance(double[] x, int m) {
    double mean = 0;
    for (int i = 0; i < m; i++) {
      mean += x[i];
    }
    mean /= m;
    double ss = 0;
    for (int i = 0; i < m; i++) {
      ss += (x[i] - mean) * (x[i] - mean);
    }
    return ss / (m - 1);
  }

  /** The weights so far: visited channels the mean of their draws, the others the visited channels' mean. */
  private float[] weights() {
    double[] visited = visitedWeights();
    double fill = Arrays.stream(visited).average().orElse(0);
    float[] alpha = new float[ctx.channels()];
    for (int c = 0; c < channels; c++) {
      alpha[draws.active()[c]] = (float) (taken[c] > 0 ? ScoreDraws.mean(scores[c], 0, taken[c], baseline) : fill);
    }
    return alpha;
  }

  /**
   * The estimated RMS difference between this map's E and the exact one: the root mean square, over
   * bootstrap replicates and pixels, of E of weights drawn from the visited channels' sampling error
   * minus E of the weights, plus the bound on what the channels without a draw can change.
   */
  private double estimatedError() {
    double[] prior = drawVariancePrior();
    double[] sd = new double[channels];
    for (int c = 0; c < channels; c++) {
      sd[c] = taken[c] == 0 ? 0 : Math.sqrt(variance(c, taken[c], prior));
    }
    float[] alpha = weights();
    ChannelWeighting weighting = ctx.options().channelWeighting();
    SumAt sumAt = ctx.options().reading().sumAt();
    float[] e = Explainer.explanation(ctx, alpha, weighting, sumAt);
    double ss = 0;
    for (int b = 0; b < REPLICATES; b++) {
      // Fixed per replicate (channel coordinate -1: no noise draw uses it), so rounds compare like with like.
      SplittableRandom z = new SplittableRandom(NoiseSeed.of(ctx.options().seed(), -1, b));
      float[] replicate = alpha.clone();
      for (int c = 0; c < channels; c++) {
        replicate[draws.active()[c]] += (float) (sd[c] * z.nextGaussian());
      }
      float[] eb = Explainer.explanation(ctx, replicate, weighting, sumAt);
      for (int p = 0; p < e.length; p++) {
        double d = eb[p] - e[p];
        ss += d * d;
      }
    }
    return SAFETY * Math.sqrt(ss / ((double) REPLICATES * e.length)) + skipBound();
  }
}
