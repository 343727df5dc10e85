package dev.sscam.cam;

import dev.sscam.SscamException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every option of the CAM methods, with PAPER.md's defaults (the {@code authors} preset). Build with {@link #builder()}; {@link
 * Builder#build()} rejects invalid values instead of clamping them.
 *
 * @param samples SS-CAM's {@code N}, noisy samples per channel (default 35, the paper's for pictures)
 * @param sigma SS-CAM's noise standard deviation {@code σ} (default 2)
 * @param smoothSamples Smooth Grad-CAM++'s {@code n} (default 4)
 * @param smoothSigma Smooth Grad-CAM++'s {@code σ_s} (default 0.3)
 * @param preset the preset the reading started from (default {@link Preset#AUTHORS})
 * @param reading every choice where readings of the score-based methods disagree: the preset's,
 *     with any option overridden ({@link Reading})
 * @param targetClass class to explain, or -1 for the model's top-1
 * @param layer target layer id, or null for the model's default
 * @param batchSize images per forward pass
 * @param seed seed of every noise draw
 * @param fast fast mode of the score-based methods, or null for the exact maps (the default)
 * @param augSmooth pytorch-grad-cam's {@code aug_smooth}: E is the mean over a horizontal flip × input
 *     scalings {0.9, 1, 1.1}, each map flipped back ({@link AugmentationSmoothing}; default off)
 * @param eigenSmooth pytorch-grad-cam's {@code eigen_smooth}: L is the first principal component of
 *     the weighted activations instead of their sum ({@link EigenSmoothing}; default off)
 */
public record CamOptions(
    int samples,
    double sigma,
    int smoothSamples,
    double smoothSigma,
    Preset preset,
    Reading reading,
    int targetClass,
    String layer,
    int batchSize,
    long seed,
    FastMode fast,
    boolean augSmooth,
    boolean eigenSmooth) {

  /** The defaults: the {@code authors} preset, N = 35, σ = 2. */
  public static CamOptions defaults() {
    return builder().build();
  }

  /** A builder at the defaults. */
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
    b.preset = preset;
    b.reading = reading;
    b.targetClass = targetClass;
    b.layer = layer;
    b.batchSize = batchSize;
    b.seed = seed;
    b.fast = fast;
    b.augSmooth = augSmooth;
    b.eigenSmooth = eigenSmooth;
    return b;
  }

  /** {@code s_c}: the reading's score. */
  public Score score() {
    return reading.score();
  }

  /** The reading's channel weighting (score-based methods only). */
  public ChannelWeighting channelWeighting() {
    return reading.channelWeights();
  }

  /** The reading's mask order. */
  public MaskOrder maskOrder() {
    return reading.maskOrder();
  }

  /** The reading options set differently from the preset's, in {@link Reading#OPTIONS} order. */
  public java.util.List<String> overrides() {
    return reading.differences(preset.reading());
  }

  /**
   * The options as ordered name → value pairs (names as on the command line), for provenance: the
   * preset, every reading option, and {@code overrides} naming those that differ from the preset.
   */
  public Map<String, Object> asMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("preset", preset.id());
    m.putAll(reading.asMap());
    java.util.List<String> overrides = overrides();
    if (!overrides.isEmpty()) {
      m.put("overrides", String.join(",", overrides));
    }
    m.put("samples", samples);
    m.put("sigma", sigma);
    m.put("smooth-samples", smoothSamples);
    m.put("smooth-sigma", smoothSigma);
    m.put("class", targetClass < 0 ? "top-1" : targetClass);
    m.put("layer", layer == null ? "default" : layer);
    m.put("batch-size", batchSize);
    m.put("seed", seed);
    if (fast != null) {
      m.put("fast-tolerance", fast.tolerance());
    }
    // Named only when on, so that the provenance of every other map reads as before.
    if (augSmooth) {
      m.put("aug-smooth", AugmentationSmoothing.DESCRIPTION);
    }
    if (eigenSmooth) {
      m.put("eigen-smooth", EigenSmoothing.DESCRIPTION);
    }
    return m;
  }

  /** Builder with {@code opt}-style setters; {@link #build()} validates. */
  public static final class Builder {
    private int samples = 35;
    private double sigma = 2.0;
    private int smoothSamples = 4;
    private double smoothSigma = 0.3;
    private Preset preset = Preset.DEFAULT;
    private Reading reading = Preset.DEFAULT.reading();
    private int targetClass = -1;
    private String layer;
    private int batchSize = 16;
    private long seed = 0;
    private FastMode fast;
    private boolean augSmooth;
    private boolean eigenSmooth;

    private Builder() {}

    /**
     * Starts from {@code p}: sets every reading option to the preset's. Call before overriding
     * single options ({@link #score}, {@link #option}...).
     */
    public Builder preset(Preset p) {
      preset = p;
      reading = p.reading();
      return this;
    }

    /** Applies the preset named {@code authors}, {@code equations} or {@code torchcam} ({@code paper} = equations). */
    public Builder preset(String name) {
      return preset(Preset.parse(name));
    }

    /** Sets the whole reading (the preset stays, for provenance: options that differ are overrides). */
    public Builder reading(Reading r) {
      reading = r;
      return this;
    }

    /** Overrides one reading option by its command-line name ({@code baseline}, {@code sum-at}...). */
    public Builder option(String name, String value) {
      reading = reading.with(name, value);
      return this;
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

    /** Overrides the score {@code s_c}. */
    public Builder score(Score v) {
      reading = new Reading(v, reading.baseline(), reading.noiseScale(), reading.ssCam1Mask(),
          reading.channelWeights(), reading.maskOrder(), reading.sumAt());
      return this;
    }

    /** Overrides the channel weighting. */
    public Builder channelWeighting(ChannelWeighting v) {
      reading = new Reading(reading.score(), reading.baseline(), reading.noiseScale(), reading.ssCam1Mask(), v,
          reading.maskOrder(), reading.sumAt());
      return this;
    }

    /** Overrides the mask order. */
    public Builder maskOrder(MaskOrder v) {
      reading = new Reading(reading.score(), reading.baseline(), reading.noiseScale(), reading.ssCam1Mask(),
          reading.channelWeights(), v, reading.sumAt());
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

    /** Fast mode (null: exact, the default) for Score-CAM and SS-CAM; other methods ignore it. */
    public Builder fast(FastMode v) {
      fast = v;
      return this;
    }

    /** pytorch-grad-cam's {@code aug_smooth} (default off). */
    public Builder augSmooth(boolean v) {
      augSmooth = v;
      return this;
    }

    /** pytorch-grad-cam's {@code eigen_smooth} (default off). */
    public Builder eigenSmooth(boolean v) {
      eigenSmooth = v;
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
      return new CamOptions(samples, sigma, smoothSamples, smoothSigma, preset, reading,
          targetClass, layer, batchSize, seed, fast, augSmooth, eigenSmooth);
    }
  }
}
