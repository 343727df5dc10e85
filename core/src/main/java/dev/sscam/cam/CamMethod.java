package dev.sscam.cam;

/**
 * A class activation map method: all it decides is the channel weights {@code α_k}. The weighted
 * sum {@code L = ReLU(Σ_k α_k A_k)}, upsampling and normalisation are shared ({@link Explainer}).
 */
public interface CamMethod {
  /** Stable id used on the command line and in files ({@code ss-cam-1}, {@code grad-cam++}...). */
  String id();

  /** Human title for figures ({@code SS-CAM (1)}). */
  String title();

  /** Computes {@code α_k} for the image and class in {@code ctx}. */
  ChannelWeights weights(CamContext ctx);

  /**
   * Whether {@code α_k} are class scores of masked inputs (Score-CAM, SS-CAM). Only such weights
   * are turned into {@code softmax_k(α_k)} under {@link ChannelWeighting#SOFTMAX}, as torchcam
   * does; gradient weights (Grad-CAM, Grad-CAM++) and CAM's are always used as computed.
   */
  default boolean weighsByScores() {
    return false;
  }

  /**
   * Whether the method reads {@code ∂z_c/∂A} of {@code X0} ({@link CamContext#gradients()}). The
   * explainer then takes the activations, the logits and that gradient from one forward pass (the
   * class chosen from its logits), instead of a pass for the activations and another for the
   * gradient. A method that reads the gradient without saying so still gets it, one pass later.
   */
  default boolean readsGradientOfInput() {
    return false;
  }

  /**
   * {@code X0} followed by the other images (3×H×W each) whose gradients {@code ∂z_c/∂A} the method
   * reads for {@code X0}'s class c, or null: Smooth Grad-CAM++'s noisy copies. The explainer runs
   * them in one batch with {@code X0}, whose logits choose c for all of them (a batch of 1 + n costs
   * less than a pass of 1 and a batch of n), and hands the others' gradients to the method as
   * {@link CamContext#companionGradients()}. The array may be one the method reuses for its next
   * call on the same thread (read it before then; it is not kept).
   */
  default float[] gradientBatch(CamOptions options, float[] input) {
    return null;
  }

  /** How the method's normalised map enters a fusion of layers (torchcam's {@code _scale_cams}): as it is, but for LayerCAM. */
  default FusionScale fusionScale() {
    return FusionScale.NONE;
  }
}
