package dev.sscam.cam;

import dev.sscam.SscamException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every option of the CAM methods, with PAPER.md's defaults. Build with {@link #builder()}; {@link
 * Builder#build()} rejects invalid values instead of clamping them.
 *
 * @param samples SS-CAM's {@code N}, noisy samples per channel (default 35, the paper's for pictures)
 * @param sigma SS-CAM's noise standard deviation {@code σ} (default 2)
 * @param smoothSamples Smooth Grad-CAM++'s {@code n} (default 4)
 * @param smoothSigma Smooth Grad-CAM++'s {@code σ_s} (default 0.3)
 * @param score how {@code s_c} reads the logits (default probability)
 * @param channelWeighting raw {@code α_k} or their softmax (default raw)
 * @param maskOrder {@code s(U(A_k))} (paper, default) or {@code U(s(A_k))} (torchcam)
 * @param targetClass class to explain, or -1 for the model's top-1
 * @param layer target layer id, or null for the model's default
 * @param batchSize images per forward pass
 * @param seed seed of every noise draw
 */
public record CamOptions(
    int samples,
    double sigma,
    int smoothSamples,
    double smoothSigma,
    Score score,
    ChannelWeighting channelWeighting,
    MaskOrder maskOrder,
    int targetClass,
    String layer,
    int batchSize,
    long seed) {

  /** The paper's defaults. */
  public static CamOptions defaults() {
    return builder().build();
  }

  /** A builder at the paper's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.samples = samples;
    b.sigma = sigma;
    b.smoothSamples = smoothSamples;
    b.smoothSigma = smoothSigma;
    b.score = score;
    b.channelWeighting = channelWeighting;
    b.maskOrder = maskOrder;
    b.targetClass = targetClass;
    b.layer = layer;
    b.batchSize = batchSize;
    b.seed = seed;
    return b;
  }

  /** The options as ordered name → value pairs, for provenance. */
  public Map<String, Object> asMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("samples", samples);
    m.put("sigma", sigma);
    m.put("smooth_samples", smoothSamples);
    m.put("smooth_sigma", smoothSigma);
    m.put("score", score.name().toLowerCase(java.util.Locale.ROOT));
    m.put("channel_weights", channelWeighting.name().toLowerCase(java.util.Locale.ROOT));
    m.put("mask_order", maskOrder == MaskOrder.UPSAMPLE_THEN_NORMALISE ? "s(U(A))" : "U(s(A))");
    m.put("class", targetClass < 0 ? "top-1" : targetClass);
    m.put("layer", layer == null ? "default" : layer);
    m.put("batch_size", batchSize);
    m.put("seed", seed);
    return m;
  }

  /** Builder with {@code opt}-style setters; {@link #build()} validates. */
  public static final class Builder {
    private int samples = 35;
    private double sigma = 2.0;
    private int smoothSamples = 4;
    private double smoothSigma = 0.3;
    private Score score = Score.PROBABILITY;
    private ChannelWeighting channelWeighting = ChannelWeighting.RAW;
    private MaskOrder maskOrder = MaskOrder.UPSAMPLE_THEN_NORMALISE;
    private int targetClass = -1;
    private String layer;
    private int batchSize = 16;
    private long seed = 0;

    private Builder() {}

    /** The paper's reading: probability scores, raw weights, {@code s(U(A_k))}. */
    public Builder presetPaper() {
      score = Score.PROBABILITY;
      channelWeighting = ChannelWeighting.RAW;
      maskOrder = MaskOrder.UPSAMPLE_THEN_NORMALISE;
      return this;
    }

    /** torchcam's reading: logit scores, softmax channel weights, {@code U(s(A_k))}. */
    public Builder presetTorchcam() {
      score = Score.LOGIT;
      channelWeighting = ChannelWeighting.SOFTMAX;
      maskOrder = MaskOrder.NORMALISE_THEN_UPSAMPLE;
      return this;
    }

    /** Applies preset {@code paper} or {@code torchcam}. */
    public Builder preset(String name) {
      return switch (name.toLowerCase(java.util.Locale.ROOT)) {
        case "paper" -> presetPaper();
        case "torchcam" -> presetTorchcam();
        default -> throw new SscamException("unknown preset '" + name + "' (expected paper or torchcam)");
      };
    }

    public Builder samples(int v) {
      samples = v;
      return this;
    }

    public Builder sigma(double v) {
      sigma = v;
      return this;
    }

    public Builder smoothSamples(int v) {
      smoothSamples = v;
      return this;
    }

    public Builder smoothSigma(double v) {
      smoothSigma = v;
      return this;
    }

    public Builder score(Score v) {
      score = v;
      return this;
    }

    public Builder channelWeighting(ChannelWeighting v) {
      channelWeighting = v;
      return this;
    }

    public Builder maskOrder(MaskOrder v) {
      maskOrder = v;
      return this;
    }

    /** Class to explain; -1 for top-1. */
    public Builder targetClass(int v) {
      targetClass = v;
      return this;
    }

    public Builder layer(String v) {
      layer = v;
      return this;
    }

    public Builder batchSize(int v) {
      batchSize = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    /** Validates and builds: N ≥ 1, σ ≥ 0 (finite), n ≥ 1, σ_s ≥ 0, batch ≥ 1, class ≥ -1. */
    public CamOptions build() {
      if (samples < 1) {
        throw new SscamException("samples (N) must be at least 1, got " + samples);
      }
      if (!(sigma >= 0) || Double.isInfinite(sigma)) {
        throw new SscamException("sigma must be a finite number >= 0, got " + sigma);
      }
      if (smoothSamples < 1) {
        throw new SscamException("smooth samples (n) must be at least 1, got " + smoothSamples);
      }
      if (!(smoothSigma >= 0) || Double.isInfinite(smoothSigma)) {
        throw new SscamException("smooth sigma must be a finite number >= 0, got " + smoothSigma);
      }
      if (batchSize < 1) {
        throw new SscamException("batch size must be at least 1, got " + batchSize);
      }
      if (targetClass < -1) {
        throw new SscamException("class index must be >= 0, got " + targetClass);
      }
      return new CamOptions(samples, sigma, smoothSamples, smoothSigma, score, channelWeighting, maskOrder,
          targetClass, layer, batchSize, seed);
    }
  }
}
