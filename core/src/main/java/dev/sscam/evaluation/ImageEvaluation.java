package dev.sscam.evaluation;

import dev.sscam.Progress;
import dev.sscam.cam.CamMethod;
import dev.sscam.cam.CamOptions;
import dev.sscam.cam.Explainer;
import dev.sscam.cam.SaliencyMap;
import dev.sscam.data.DatasetItem;
import dev.sscam.data.ObjectMask;
import dev.sscam.metrics.CausalCurve;
import dev.sscam.metrics.ClassProbability;
import dev.sscam.metrics.DeletionInsertion;
import dev.sscam.metrics.EnergyPointingGame;
import dev.sscam.metrics.InputShape;
import dev.sscam.metrics.PixelBox;
import dev.sscam.metrics.Region;
import dev.sscam.model.OnnxClassifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Every per-image figure of the paper's evaluation for one image and one method (PAPER.md,
 * Metrics), with c the model's top-1 class on X0:
 *
 * <ul>
 *   <li>{@code Y = s_c(X0)}, {@code O = s_c(X0 ∘ E)} (probabilities; E broadcast over the three
 *       channels and multiplied into the normalised input), drop {@code 100·max(0, Y−O)/Y},
 *       increase {@code 1[Y < O]};
 *   <li>deletion and insertion curves and AUCs ({@link DeletionInsertion});
 *   <li>energy pointing game {@code Σ_bbox E / Σ E} over the union of the boxes of the target
 *       class. The paper's target is c; when c is not the label, the image's boxes of c do not
 *       exist (ILSVRC annotates only the label's class), so the label's boxes are used — the
 *       question then is whether E falls on the annotated object. Skipped without boxes;
 *   <li>the same game over the object mask when the item has one, and the boxes' area share.
 * </ul>
 *
 * <p>A map identical, float for float, to one already scored on the same image for the same class
 * scores the same figures (every figure is a function of the image, the class and E), so it is not
 * scored again: on a CNN whose head is global pooling then a linear layer, Grad-CAM, HiResCAM and
 * XGrad-CAM give one map and LayerCAM and Grad-CAM element-wise another, and {@code --methods all}
 * saves their deletion and insertion passes. Not for concurrent use (one per thread).
 */
public final class ImageEvaluation {
  private final OnnxClassifier model;
  private final Explainer explainer;
  private final CamOptions options;
  private final DeletionInsertion causal;
  private final InputShape shape;
  private EvaluationFigure figure;
  /** The maps scored so far on {@link #scoredItem}, with their figures. */
  private final List<Scored> scored = new ArrayList<>();
  private String scoredItem;
  private int scoredMaps;

  private record Scored(int cls, float[] explanation, ImageResult result) {}

  /**
   * @param model the classifier (not closed here)
   * @param options CAM options (the target class must be unset: c is the top-1 class)
   * @param causal the deletion/insertion settings (step)
   */
  public ImageEvaluation(OnnxClassifier model, CamOptions options, DeletionInsertion causal) {
    this.model = model;
    this.explainer = new Explainer(model);
    this.options = options;
    this.causal = causal;
    int size = model.imageSize();
    this.shape = new InputShape(3, model.card().preprocessing().height(), model.card().preprocessing().width());
    if (shape.size() != size) {
      throw new IllegalStateException("model input " + size + " ≠ 3·H·W of its preprocessing " + shape);
    }
  }

  /** Keeps the maps of the figure's images (the report's Figure-3 grid); null keeps none. */
  public ImageEvaluation recordFigure(EvaluationFigure figure) {
    this.figure = figure;
    return this;
  }

  /** The model's class probability {@code softmax(f(X))_c}, batched through its logits. */
  public ClassProbability probability() {
    return (batch, count, cls) -> {
      float[][] z = model.logits(batch, count);
      float[] p = new float[count];
      for (int b = 0; b < count; b++) {
        p[b] = (float) dev.sscam.cam.Score.softmax(z[b], cls);
      }
      return p;
    };
  }

  /**
   * Evaluates one image.
   *
   * @param item the dataset item (boxes, label, mask)
   * @param x its preprocessed input {@code X0}, CHW
   * @param method the CAM method
   * @param progress progress of the explanation's forward passes
   */
  public ImageResult evaluate(DatasetItem item, float[] x, CamMethod method, Progress progress) {
    long start = System.nanoTime();
    SaliencyMap map = explainer.explain(x, method, options, progress);
    int c = map.classIndex();
    float[] e = map.explanation();
    if (figure != null) {
      figure.record(item, model.card().preprocessing(), method.id(), e);
    }
    if (!item.id().equals(scoredItem)) {
      scored.clear();
      scoredItem = item.id();
    }
    for (Scored earlier : scored) {
      if (earlier.cls() == c && Arrays.equals(earlier.explanation(), e)) {
        ImageResult r = earlier.result();
        return new ImageResult(item.id(), c, item.label(), method.id(), r.y(), r.o(), r.drop(), r.increase(),
            r.deletionAuc(), r.insertionAuc(), r.energy(), r.boxShare(), r.maskEnergy(), map.allZero(),
            (System.nanoTime() - start) / 1e9, r.deletion().clone(), r.insertion().clone());
      }
    }
    ClassProbability p = probability();
    double y = p.probabilities(x, 1, c)[0];
    double o = p.probabilities(masked(x, e), 1, c)[0];
    double drop = drop(y, o);
    int increase = y < o ? 1 : 0;
    CausalCurve deletion = causal.deletion(p, x, shape, e, c);
    CausalCurve insertion = causal.insertion(p, x, shape, e, c);

    Double energy = null;
    Double boxShare = null;
    Region boxes = boxRegion(item, c);
    if (boxes != null) {
      energy = EnergyPointingGame.score(e, boxes).percent();
      boxShare = 100.0 * boxes.areaShare();
    }
    Double maskEnergy = null;
    if (item.mask() != null) {
      Region region = ObjectMask.read(item.mask()).region(shape.width(), shape.height());
      maskEnergy = EnergyPointingGame.score(e, region).percent();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    ImageResult result = new ImageResult(item.id(), c, item.label(), method.id(), y, o, drop, increase,
        deletion.aucPercent(), insertion.aucPercent(), energy, boxShare, maskEnergy, map.allZero(), seconds,
        deletion.probabilities(), insertion.probabilities());
    scored.add(new Scored(c, e, result));
    scoredMaps++;
    return result;
  }

  /** How many maps this evaluator has scored (a map identical to one scored before is not counted). */
  int scoredMaps() {
    return scoredMaps;
  }

  /** The drop {@code 100·max(0, Y − O)/Y} (0 when {@code Y = 0}). */
  static double drop(double y, double o) {
    return y > 0 ? 100.0 * Math.max(0.0, y - o) / y : 0.0;
  }

  /**
   * The pointing game's region at the input's size: the boxes of class {@code c}, else of the
   * item's label (see the class comment); null when the item has neither.
   */
  Region boxRegion(DatasetItem item, int c) {
    List<PixelBox> boxes = item.boxesOf(c);
    if (boxes.isEmpty() && item.hasLabel()) {
      boxes = item.boxesOf(item.label());
    }
    return boxes.isEmpty() ? null : Region.ofBoxes(boxes, item.width(), item.height(), shape.width(), shape.height());
  }

  /** {@code X0 ∘ E}: each channel multiplied pixel-wise by E. */
  static float[] masked(float[] x, float[] e) {
    float[] out = new float[x.length];
    int pixels = e.length;
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i] * e[i % pixels];
    }
    return out;
  }

}
