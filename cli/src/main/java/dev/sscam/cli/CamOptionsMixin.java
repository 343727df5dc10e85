package dev.sscam.cli;

import dev.sscam.cam.CamOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The CAM method options, as command-line flags (defaults from PAPER.md: the authors preset). */
final class CamOptionsMixin {
  @Option(names = {"-N", "--samples"}, paramLabel = "N", description = "SS-CAM noisy samples per channel (default: 35).")
  Integer samples;

  @Option(names = "--sigma", paramLabel = "S", description = "SS-CAM noise standard deviation σ (default: 2).")
  Double sigma;

  @Option(names = "--smooth-samples", paramLabel = "n", description = "Smooth Grad-CAM++ samples n (default: 4).")
  Integer smoothSamples;

  @Option(names = "--smooth-sigma", paramLabel = "S", description = "Smooth Grad-CAM++ noise σ_s (default: 0.3).")
  Double smoothSigma;

  @Option(names = "--layer", paramLabel = "L",
      description = {"Target layer: module path, tensor or node name (see `sscam layers`).",
          "Several (a,b,c): each layer's map, fused as torchcam's fuse_cams (max at the finest grid; LayerCAM's maps as tanh(2·map))."})
  String layer;

  @Option(names = "--aug-smooth",
      description = "pytorch-grad-cam's aug_smooth: E is the mean over horizontal flip x input scale {0.9, 1, 1.1}, each map flipped back (6x the work).")
  boolean augSmooth;

  @Option(names = "--eigen-smooth",
      description = "pytorch-grad-cam's eigen_smooth: L is the first principal component of the weighted activations instead of their sum.")
  boolean eigenSmooth;

  @Option(names = "--tokens", paramLabel = "P",
      description = "Read the layer as a token sequence with P prefix tokens (class, distillation, registers) dropped.")
  Integer tokens;

  @Option(names = "--grid", paramLabel = "HxW", description = "Patch grid of a token-sequence layer, e.g. 14x14.")
  String grid;

  @Option(names = "--layout", paramLabel = "L", description = "Read a 4-D layer as nhwc (channels-last) or nchw.")
  String layout;

  @Option(names = {"-c", "--class"}, paramLabel = "C", description = "Class index to explain (default: the top-1 class).")
  Integer targetClass;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of the noise (default: ${DEFAULT-VALUE}).")
  long seed;

  @Mixin ReadingOptions reading;

  @Mixin FastOptions fast;

  /** The options, validated, at {@code batchSize}. */
  CamOptions build(int batchSize) {
    return build(batchSize, reading.preset());
  }

  /** The options under {@code preset} instead of {@code --preset}, other flags as given. */
  CamOptions build(int batchSize, dev.sscam.cam.Preset preset) {
    CamOptions.Builder b = reading.applyTo(CamOptions.builder(), preset);
    if (samples != null) {
      b.samples(samples);
    }
    if (sigma != null) {
      b.sigma(sigma);
    }
    if (smoothSamples != null) {
      b.smoothSamples(smoothSamples);
    }
    if (smoothSigma != null) {
      b.smoothSigma(smoothSigma);
    }
    if (targetClass != null) {
      if (targetClass < 0) {
        throw new dev.sscam.SscamException("class index must be >= 0, got " + targetClass);
      }
      b.targetClass(targetClass);
    }
    return b.layer(dev.sscam.model.LayerChoice.compose(layer, tokens, grid, layout)).seed(seed).batchSize(batchSize).fast(fast.mode())
        .augSmooth(augSmooth).eigenSmooth(eigenSmooth).build();
  }
}
