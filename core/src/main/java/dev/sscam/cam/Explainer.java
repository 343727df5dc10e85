package dev.sscam.cam;

import dev.sscam.Cancellation;
import dev.sscam.Progress;
import dev.sscam.SscamException;
import dev.sscam.model.LayerActivations;
import dev.sscam.model.LayerGradients;
import dev.sscam.model.NonFiniteOutputException;
import dev.sscam.model.OnnxClassifier;
import dev.sscam.model.TargetLayer;

/**
 * Turns a method's channel weights into maps (PAPER.md): {@code L = ReLU(Σ_k α_k A_k)} (with {@code
 * α}, or {@code softmax(α)} for score weights under {@code channel-weights=softmax}), {@code cam =
 * s(L)} at feature resolution, and the explanation map at input resolution: {@code E = s(U(L))}, or,
 * for score weights under {@code sum-at=input} (the authors' code), {@code E = s(ReLU(Σ_k α_k U(A_k)))}
 * (the ReLU after upsampling; {@code U} is linear, so the sum is {@code U(Σ_k α_k A_k)}). Gradient
 * methods and CAM use neither option. A {@link PositionalMethod} (LayerCAM, HiResCAM, Eigen-CAM...)
 * gives {@code L} itself instead of channel weights; it is then treated as the weighted sum is, at
 * feature resolution. Options may ask for more: several layers fused ({@link LayerFusion}), {@code L}
 * replaced by the principal projection of its terms ({@link EigenSmoothing}), or {@code E} averaged
 * over flips and scalings of the input ({@link AugmentationSmoothing}). One explainer serves every
 * method and image of a model.
 */
public final class Explainer {
  private final OnnxClassifier model;

  /** An explainer over {@code model} (not closed by the explainer). */
  public Explainer(OnnxClassifier model) {
    this.model = model;
  }

  /** Explains one preprocessed image (3×H×W) with {@code method}. */
  public SaliencyMap explain(float[] input, CamMethod method, CamOptions options) {
    return explain(input, method, options, Progress.NONE);
  }

  /**
   * Explains one preprocessed image, reporting progress of the forward passes.
   *
   * @throws dev.sscam.model.NonFiniteOutputException when the model's numbers or the map hold NaN
   *     or ±Inf (re-throw it {@link NonFiniteOutputException#naming naming} the image)
   */
  public SaliencyMap explain(float[] input, CamMethod method, CamOptions options, Progress progress) {
    if (input.length != model.imageSize()) {
      throw new SscamException("input has " + input.length + " floats; the model takes 3x"
          + model.card().height() + "x" + model.card().width() + " = " + model.imageSize());
    }
    // Smoothing over augmentations wraps everything (as pytorch-grad-cam's wraps its forward), then
    // fusion over layers wraps the map of one layer.
    if (options.augSmooth()) {
      return AugmentationSmoothing.explain(this, input, method, options, progress);
    }
    if (LayerFusion.layers(options.layer()).size() > 1) {
      return LayerFusion.explain(this, input, method, options, progress);
    }
    return explainAtOneLayer(input, method, options, progress);
  }

  /**
   * Explains one preprocessed image, reporting progress and stopping early when {@code cancellation}
   * asks. Cancellation is checked before the map starts and after each batch of forward passes (the
   * points where {@code progress} hears from the score-based methods, which take the time); the
   * gradient, eigen and ablation methods run to their end once started.
   *
   * @throws Cancellation.Cancelled when cancelled or past its time limit; nothing of the map is kept
   */
  public SaliencyMap explain(float[] input, CamMethod method, CamOptions options, Progress progress,
      Cancellation cancellation) {
    cancellation.check();
    return explain(input, method, options, (done, total) -> {
      cancellation.check();
      progress.advance(done, total);
    });
  }

  /** The map at the one layer {@code options} names, without augmentations. */
  SaliencyMap explainAtOneLayer(float[] input, CamMethod method, CamOptions options, Progress progress) {
    long t0 = System.nanoTime();
    TargetLayer layer = model.layer(options.layer());
    CamContext ctx;
    float[] batch = method.gradientBatch(options, input);
    if (batch != null || method.readsGradientOfInput()) {
      // one forward pass: logits (to choose c), A and the head's side inputs, then the head's gradient;
      // the method's other images take X0's class, in the same batch
      int count = batch == null ? 1 : batch.length / input.length;
      LayerGradients g = model.gradients(batch == null ? input : batch, count, layer,
          OnnxClassifier.ClassChoice.ofFirstImage(options.targetClass()));
      LayerGradients first = count == 1 ? g : g.images(0, 1);
      float[] z = first.logits()[0];
      ctx = new CamContext(model, layer, input, first.activations(), z, chooseClass(options.targetClass(), z), options,
          progress, first);
      if (count > 1) {
        ctx.companionGradients(g.images(1, count));
      }
    } else {
      LayerActivations act = model.activations(input, 1, layer);
      float[] z = act.logits()[0];
      ctx = new CamContext(model, layer, input, act.values(), z, chooseClass(options.targetClass(), z), options,
          progress);
    }
    float[] logits = ctx.logits();
    int c = ctx.classIndex();
    ChannelWeights weights;
    float[] sum;
    float[] terms = null;
    if (method instanceof PositionalMethod positional) {
      // The method made L itself: one call, no channel sum.
      PositionMap map = positional.map(ctx);
      weights = new ChannelWeights(map.weights(), map.forwardPasses());
      sum = map.values();
      terms = map.terms();
    } else {
      weights = method.weights(ctx);
      ChannelWeighting weighting = method.weighsByScores() ? options.channelWeighting() : ChannelWeighting.RAW;
      float[] alpha = weighted(weights.alpha(), weighting);
      sum = weightedSum(ctx, alpha);
      if (options.eigenSmooth()) {
        terms = EigenSmoothing.weightedActivations(ctx, alpha);
      }
    }
    if (options.eigenSmooth() && terms != null) {
      sum = EigenSmoothing.of(terms, ctx.channels(), ctx.featureSize());
    }
    SumAt sumAt = method.weighsByScores() ? options.reading().sumAt() : SumAt.FEATURE;
    // Finite activations and gradients can still overflow into the map: never draw a NaN map.
    NonFiniteOutputException.requireFinite(sum, "map at " + layer.name());
    float[] e = unnormalisedExplanation(ctx, sum, sumAt);
    boolean allZero = MinMax.isConstant(e, 0, e.length);
    float[] l = relu(sum.clone());
    MinMax.normaliseInPlace(e);
    MinMax.normaliseInPlace(l);
    double seconds = (System.nanoTime() - t0) / 1e9;
    Provenance p = new Provenance(method.id(), options.asMap(), options.seed(), layer.name(), layer.tensor(),
        layer.reading().label(),
        model.file().path().toString(), model.file().sha256(), weights.forwardPasses() + 1, seconds, weights.fast());
    return new SaliencyMap(c, model.card().label(c), options.score().of(logits, c), Score.softmax(logits, c),
        logits[c], l, layer.height(), layer.width(), e, model.card().height(), model.card().width(),
        weights.alpha(), allZero, p);
  }

  /** The class to explain: {@code requested}, or the top-1 class when it is -1. */
  int chooseClass(int requested, float[] logits) {
    if (requested >= logits.length) {
      throw new SscamException("class index " + requested + " is out of range: the model has " + logits.length
          + " classes (0.." + (logits.length - 1) + ")");
    }
    if (requested >= 0) {
      return requested;
    }
    int best = 0;
    for (int i = 1; i < logits.length; i++) {
      if (logits[i] > logits[best]) {
        best = i;
      }
    }
    return best;
  }

  /**
   * {@code ReLU(U(sum))} under {@code sum-at=input}, {@code ReLU(U(ReLU(sum)))} under {@code feature}:
   * E before its min-max normalisation, from the weighted sum {@code Σ_k α_k A_k} (not modified).
   */
  static float[] unnormalisedExplanation(CamContext ctx, float[] sum, SumAt sumAt) {
    return relu(ctx.upsample().apply(sumAt == SumAt.INPUT ? sum : relu(sum.clone())));
  }

  /** E of channel weights {@code alpha} as {@link #explain} computes it, normalised. */
  static float[] explanation(CamContext ctx, float[] alpha, ChannelWeighting weighting, SumAt sumAt) {
    return MinMax.normaliseInPlace(unnormalisedExplanation(ctx, weightedSum(ctx, weighted(alpha, weighting)), sumAt));
  }

  /** {@code α} or {@code softmax(α)} over channels. */
  static float[] weighted(float[] alpha, ChannelWeighting weighting) {
    return weighting == ChannelWeighting.RAW ? alpha : Score.softmax(alpha);
  }

  /** {@code max(0, x)} in place. */
  static float[] relu(float[] x) {
    for (int i = 0; i < x.length; i++) {
      x[i] = Math.max(0f, x[i]);
    }
    return x;
  }

  /** {@code Σ_k α_k A_k} at feature resolution (no ReLU yet), accumulated in double. */
  static float[] weightedSum(CamContext ctx, float[] alpha) {
    int size = ctx.featureSize();
    double[] acc = new double[size];
    float[] a = ctx.activations();
    for (int k = 0; k < alpha.length; k++) {
      double wk = alpha[k];
      if (wk == 0) {
        continue;
      }
      int off = k * size;
      for (int p = 0; p < size; p++) {
        acc[p] += wk * a[off + p];
      }
    }
    float[] l = new float[size];
    for (int p = 0; p < size; p++) {
      l[p] = (float) acc[p];
    }
    return l;
  }
}
