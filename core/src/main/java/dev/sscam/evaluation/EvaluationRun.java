package dev.sscam.evaluation;

import dev.sscam.Progress;
import dev.sscam.cam.CamMethod;
import dev.sscam.data.DatasetItem;
import java.util.List;

/**
 * The evaluation loop: every image × method not yet in the log is evaluated and appended, image
 * by image (each image is preprocessed once for all its methods).
 */
public final class EvaluationRun {

  /** Told after each finished (or skipped) image × method. */
  @FunctionalInterface
  public interface Listener {
    /**
     * @param done pairs finished so far, skipped ones included
     * @param total all pairs
     * @param result the new result, or null when the pair was already logged
     */
    void finished(int done, int total, ImageResult result);
  }

  private EvaluationRun() {}

  /**
   * Runs the missing pairs.
   *
   * @return how many pairs were computed (not skipped)
   */
  public static int run(ImageEvaluation evaluation, List<DatasetItem> items, List<CamMethod> methods,
      java.util.function.Function<DatasetItem, float[]> preprocess, ResultsLog log, Listener listener) {
    int total = items.size() * methods.size();
    int done = 0;
    int computed = 0;
    for (DatasetItem item : items) {
      float[] x = null;
      for (CamMethod method : methods) {
        done++;
        if (log.isDone(item.id(), method.id())) {
          listener.finished(done, total, null);
          continue;
        }
        if (x == null) {
          x = preprocess.apply(item);
        }
        ImageResult r = evaluation.evaluate(item, x, method, Progress.NONE);
        log.append(r);
        computed++;
        listener.finished(done, total, r);
      }
    }
    return computed;
  }
}
