package dev.sscam.cam;

import dev.sscam.Progress;
import dev.sscam.model.LayerGradients;
import dev.sscam.model.OnnxClassifier;
import dev.sscam.model.TargetLayer;

/**
 * Everything a method needs to weigh the channels of one image: the model, the target layer, the
 * preprocessed input {@code X0}, its activations {@code A} and logits, the class {@code c} and the
 * options; plus the shared, lazily computed pieces (masks {@code H_k}, baseline score {@code
 * s_c(X_b)}).
 */
public final class CamContext {
  private final OnnxClassifier model;
  private final TargetLayer layer;
  private final float[] input;
  private final float[] activations;
  private final float[] logits;
  private final int classIndex;
  private final CamOptions options;
  private final Progress progress;
  private BilinearUpsample upsample;
  private Double baseline;
  private LayerGradients gradients;
  private LayerGradients companionGradients;
  private long gradientPasses;

  CamContext(OnnxClassifier model, TargetLayer layer, float[] input, float[] activations, float[] logits,
      int classIndex, CamOptions options, Progress progress) {
    this(model, layer, input, activations, logits, classIndex, options, progress, null);
  }

  /** A context whose {@code X0} gradient is already known ({@code gradients}, of class {@code classIndex}). */
  CamContext(OnnxClassifier model, TargetLayer layer, float[] input, float[] activations, float[] logits,
      int classIndex, CamOptions options, Progress progress, LayerGradients gradients) {
    this.model = model;
    this.layer = layer;
    this.input = input;
    this.activations = activations;
    this.logits = logits;
    this.classIndex = classIndex;
    this.options = options;
    this.progress = progress;
    this.gradients = gradients;
  }

  public OnnxClassifier model() {
    return model;
  }

  public TargetLayer layer() {
    return layer;
  }

  /** {@code X0}, 3×H×W, preprocessed. */
  public float[] input() {
    return input;
  }

  /** {@code A}, K×h×w, of {@code X0}. */
  public float[] activations() {
    return activations;
  }

  /** {@code z = f(X0)}. */
  public float[] logits() {
    return logits;
  }

  /** The class {@code c}. */
  public int classIndex() {
    return classIndex;
  }

  public CamOptions options() {
    return options;
  }

  public Progress progress() {
    return progress;
  }

  /** Number of channels K. */
  public int channels() {
    return layer.channels();
  }

  /** Feature-map pixels h·w. */
  public int featureSize() {
    return layer.height() * layer.width();
  }

  /** Input pixels H·W (per colour channel). */
  public int inputPixels() {
    return model.card().height() * model.card().width();
  }

  /** Whether channel {@code k} of {@code A} is constant (for Score-CAM: {@code H_k = 0}). */
  public boolean isConstant(int k) {
    return MinMax.isConstant(activations, k * featureSize(), featureSize());
  }

  /** Whether channel {@code k} of {@code A} is zero everywhere (adds nothing to {@code L}). */
  public boolean isZero(int k) {
    int off = k * featureSize();
    for (int i = off; i < off + featureSize(); i++) {
      if (activations[i] != 0f) {
        return false;
      }
    }
    return true;
  }

  /**
   * Writes the mask {@code H_k} (H×W) into {@code dst}: {@code s(U(A_k))} or, under the torchcam
   * order, {@code U(s(A_k))}.
   */
  public void mask(int k, float[] dst) {
    BilinearUpsample u = upsample();
    if (options.maskOrder() == MaskOrder.UPSAMPLE_THEN_NORMALISE) {
      u.apply(activations, k * featureSize(), dst);
      MinMax.normaliseInPlace(dst);
    } else {
      float[] channel = java.util.Arrays.copyOfRange(activations, k * featureSize(), (k + 1) * featureSize());
      u.apply(MinMax.normaliseInPlace(channel), 0, dst);
    }
  }

  /** Writes the raw upsampled activation {@code U(A_k)} (H×W) into {@code dst}. */
  public void upsampled(int k, float[] dst) {
    upsample().apply(activations, k * featureSize(), dst);
  }

  /** The feature-to-input upsampler {@code U}. */
  public synchronized BilinearUpsample upsample() {
    if (upsample == null) {
      upsample = new BilinearUpsample(layer.height(), layer.width(), model.card().height(), model.card().width());
    }
    return upsample;
  }

  /** {@code s_c(X_b)} with {@code X_b = 0}, computed once (one forward pass). */
  public synchronized double baselineScore() {
    if (baseline == null) {
      float[][] z = model.logits(new float[input.length], 1);
      baseline = options.score().of(z[0], classIndex);
    }
    return baseline;
  }

  /** {@code A} and {@code g = ∂z_c/∂A} of {@code X0} (computed once). */
  public synchronized LayerGradients gradients() {
    if (gradients == null) {
      gradients = gradients(input, 1);
      gradientPasses = 1;
    }
    return gradients;
  }

  /**
   * The gradients, for class c, of the images after {@code X0} in the method's
   * {@link CamMethod#gradientBatch}, computed in one batch with {@code X0}; null when the method has
   * none or the context was made without them.
   */
  public synchronized LayerGradients companionGradients() {
    return companionGradients;
  }

  synchronized void companionGradients(LayerGradients g) {
    this.companionGradients = g;
  }

  /**
   * Forward passes that {@link #gradients()} spent beyond the run that gave {@code A}: 0 when the
   * gradient came with that run (the method said {@link CamMethod#readsGradientOfInput()}), 1 when it
   * was computed on demand. The head's gradient graph is not a forward pass of the model.
   */
  public synchronized long gradientPasses() {
    return gradientPasses;
  }

  /** {@code A} and {@code ∂z_c/∂A} of {@code n} other inputs (3×H×W each), for the same class c. */
  public LayerGradients gradients(float[] inputs, int n) {
    int[] classes = new int[n];
    java.util.Arrays.fill(classes, classIndex);
    return model.gradients(inputs, n, layer, classes);
  }

  /**
   * What score weights subtract: {@code s_c(X_b)} under {@code baseline=subtract}, 0 (and no forward
   * pass) under {@code baseline=none}.
   */
  public double subtractedBaseline() {
    return options.reading().baseline() == Baseline.SUBTRACT ? baselineScore() : 0;
  }

  /** A scorer of masked inputs at the options' batch size. */
  public MaskedScoring scoring() {
    return new MaskedScoring(model, options.batchSize());
  }
}
