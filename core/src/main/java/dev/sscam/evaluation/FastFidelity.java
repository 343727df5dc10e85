package dev.sscam.evaluation;

import dev.sscam.Progress;
import dev.sscam.cam.CamMethod;
import dev.sscam.cam.CamOptions;
import dev.sscam.cam.Explainer;
import dev.sscam.cam.FastMode;
import dev.sscam.cam.SaliencyMap;
import dev.sscam.data.DatasetItem;
import dev.sscam.metrics.EnergyPointingGame;
import dev.sscam.metrics.Region;
import dev.sscam.model.OnnxClassifier;
import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;

/**
 * How far fast mode's map is from the exact map of the same seed, on one image: passes, seconds,
 * the Pearson correlation of E, the true RMS difference of E beside the estimated one, and the two
 * maps' box energy and drop (PAPER.md, Metrics).
 */
public final class FastFidelity {
  private final Explainer explainer;
  private final ImageEvaluation evaluation;
  private final CamOptions exact;
  private final CamOptions fast;

  /**
   * @param model the classifier (not closed here)
   * @param options the exact options (their fast mode, if any, is ignored)
   * @param mode the fast mode compared
   */
  public FastFidelity(OnnxClassifier model, CamOptions options, FastMode mode) {
    this.explainer = new Explainer(model);
    this.exact = options.toBuilder().fast(null).build();
    this.fast = options.toBuilder().fast(mode).build();
    this.evaluation = new ImageEvaluation(model, exact, new dev.sscam.metrics.DeletionInsertion(
        dev.sscam.metrics.DeletionInsertion.DEFAULT_STEP, model.batchSize(), new dev.sscam.metrics.GaussianBlur()));
  }

  /**
   * One image and method compared.
   *
   * @param exactPasses the exact map's forward passes
   * @param fastPasses the fast map's
   * @param exactSeconds the exact map's wall time
   * @param fastSeconds the fast map's
   * @param pearson Pearson correlation of the two E maps (1 when both are constant and equal)
   * @param rmsError the true RMS difference of E
   * @param estimatedError the fast map's own estimate of it
   * @param exactEnergy box energy of the exact map in % (null without boxes)
   * @param fastEnergy box energy of the fast map in %
   * @param exactDrop drop of the exact map in %
   * @param fastDrop drop of the fast map in %
   */
  public record Comparison(long exactPasses, long fastPasses, double exactSeconds, double fastSeconds, double pearson,
      double rmsError, double estimatedError, Double exactEnergy, Double fastEnergy, double exactDrop,
      double fastDrop) {}

  /** Compares the exact and the fast map of {@code method} on {@code x} (the item's preprocessed input). */
  public Comparison compare(DatasetItem item, float[] x, CamMethod method) {
    SaliencyMap e = explainer.explain(x, method, exact, Progress.NONE);
    SaliencyMap f = explainer.explain(x, method, fast, Progress.NONE);
    int c = e.classIndex();
    Region region = item == null ? null : evaluation.boxRegion(item, c);
    double y = evaluation.probability().probabilities(x, 1, c)[0];
    double oExact = evaluation.probability().probabilities(ImageEvaluation.masked(x, e.explanation()), 1, c)[0];
    double oFast = evaluation.probability().probabilities(ImageEvaluation.masked(x, f.explanation()), 1, c)[0];
    double estimated = f.provenance().isFast() ? f.provenance().fast().estimatedError() : 0;
    return new Comparison(e.provenance().forwardPasses(), f.provenance().forwardPasses(), e.provenance().seconds(),
        f.provenance().seconds(), pearson(e.explanation(), f.explanation()), rms(e.explanation(), f.explanation()),
        estimated, region == null ? null : EnergyPointingGame.score(e.explanation(), region).percent(),
        region == null ? null : EnergyPointingGame.score(f.explanation(), region).percent(),
        ImageEvaluation.drop(y, oExact), ImageEvaluation.drop(y, oFast));
  }

  /** Pearson's r of two maps; 1 when either is constant and they are equal, 0 when only one is. */
  static double pearson(float[] a, float[] b) {
    if (java.util.Arrays.equals(a, b)) {
      return 1;
    }
    double r = new PearsonsCorrelation().correlation(toDouble(a), toDouble(b));
    return Double.isNaN(r) ? 0 : r;
  }

  /** Root mean square of {@code a − b}. */
  public static double rms(float[] a, float[] b) {
    double ss = 0;
    for (int i = 0; i < a.length; i++) {
      double d = (double) a[i] - b[i];
      ss += d * d;
    }
    return Math.sqrt(ss / a.length);
  }

  private static double[] toDouble(float[] a) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i];
    }
    return d;
  }
}
