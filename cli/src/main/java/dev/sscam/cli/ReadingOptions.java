package dev.sscam.cli;

import dev.sscam.cam.CamOptions;
import dev.sscam.cam.Preset;
import dev.sscam.cam.Reading;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The reading of the score-based methods as flags: a preset, then any single option overridden
 * (PAPER.md). Only the score-based methods (Score-CAM, SS-CAM, IS-CAM) read them: the gradient, eigen
 * and ablation methods (and CAM) are the same under every reading.
 */
final class ReadingOptions {
  @Option(names = "--preset", paramLabel = "authors|equations|torchcam",
      description = {"Reading of Score-CAM, SS-CAM and IS-CAM (default: authors). Each sets every option below:",
          "authors (the authors' released code): score=probability, baseline=none, noise-scale=range-squared,"
              + " ss-cam-1-mask=raw, channel-weights=raw, mask-order=s(U(A)), sum-at=input.",
          "equations (the paper's equations as printed; 'paper' is its old name): score=probability,"
              + " baseline=subtract, noise-scale=absolute, ss-cam-1-mask=normalised, channel-weights=raw,"
              + " mask-order=s(U(A)), sum-at=feature.",
          "torchcam: score=logit, baseline=subtract, noise-scale=absolute, ss-cam-1-mask=normalised,"
              + " channel-weights=softmax, mask-order=U(s(A)), sum-at=feature.",
          "Each of --score, --baseline, --noise-scale, --ss-cam-1-mask, --channel-weights, --mask-order, --sum-at overrides the preset's value.",
          "Presets apply to the score-based methods only (Score-CAM, SS-CAM, IS-CAM). The gradient methods (grad-cam,"
              + " grad-cam++, smooth-grad-cam++, xgrad-cam, layer-cam, hires-cam, grad-cam-elementwise), the eigen"
              + " methods (eigen-cam, eigen-grad-cam), ablation-cam (logits) and cam are the same under every preset."})
  String preset;

  @Option(names = "--score", paramLabel = "probability|logit", description = "Class score s_c: softmax probability or logit.")
  String score;

  @Option(names = "--baseline", paramLabel = "subtract|none", description = "Subtract s_c(X_b), X_b = 0, from score weights, or not.")
  String baseline;

  @Option(names = "--noise-scale", paramLabel = "absolute|range-squared|range",
      description = "SS-CAM noise std: sigma, or (sigma / (max x - min x))^2 for the tensor x it is added to (range: not squared).")
  String noiseScale;

  @Option(names = "--ss-cam-1-mask", paramLabel = "normalised|raw",
      description = "What SS-CAM (1) adds noise to before masking: the mask H_k or the raw upsampled activation U(A_k).")
  String ssCam1Mask;

  @Option(names = "--channel-weights", paramLabel = "raw|softmax", description = "Score weights as computed, or their softmax over channels.")
  String channelWeights;

  @Option(names = "--mask-order", paramLabel = "s(U(A))|U(s(A))", description = "Mask H_k: upsample then normalise, or normalise then upsample.")
  String maskOrder;

  @Option(names = "--sum-at", paramLabel = "feature|input",
      description = "ReLU of the weighted sum at feature resolution (then upsampled) or at input resolution.")
  String sumAt;

  /** The preset named, or the default. */
  Preset preset() {
    return preset == null ? Preset.DEFAULT : Preset.parse(preset);
  }

  /** The preset's reading with every option given here applied. */
  Reading reading() {
    return preset().reading().with(overrides());
  }

  /** Applies {@code preset} and this command line's overrides to {@code b}. */
  CamOptions.Builder applyTo(CamOptions.Builder b, Preset preset) {
    return b.preset(preset).reading(preset.reading().with(overrides()));
  }

  private Map<String, String> overrides() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("score", score);
    m.put("baseline", baseline);
    m.put("noise-scale", noiseScale);
    m.put("ss-cam-1-mask", ssCam1Mask);
    m.put("channel-weights", channelWeights);
    m.put("mask-order", maskOrder);
    m.put("sum-at", sumAt);
    return m;
  }
}
