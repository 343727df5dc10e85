package dev.sscam.evaluation;

import dev.sscam.InputUnreachableException;
import dev.sscam.ModelUnsupportedException;
import dev.sscam.Progress;
import dev.sscam.SscamException;
import dev.sscam.cam.CamMethod;
import dev.sscam.data.Dataset;
import dev.sscam.data.DatasetItem;
import dev.sscam.model.NonFiniteOutputException;
import java.util.List;
import java.util.function.Function;

/**
 * The evaluation loop: every image × method not yet in the log is evaluated and appended, image
 * by image (each image is read and preprocessed once for all its methods).
 *
 * <p>One bad item never ends the run: an image or annotation that cannot be read, or a model
 * output with NaN or ±Inf for that image (each an {@link SscamException}), is logged as a
 * {@link SkippedItem} and the loop goes on. A skipped image is not retried by a rerun. A file that
 * cannot be reached ({@link InputUnreachableException}: missing, unreadable, an I/O error) is not a
 * bad item but a fault of the environment: it ends the run, naming the file, with nothing logged for
 * that image, so a rerun after the fix computes it. Nor is a model that cannot be explained this way
 * ({@link ModelUnsupportedException}: no gradient rule for an operator of its head, an unknown
 * layer), which would fail every image alike: it ends the run too. Other exceptions (a bug, a full disk while
 * writing the log) also end the run: what was logged stays.
 */
public final class EvaluationRun {

  /** Told after each finished (or skipped) image × method. */
  @FunctionalInterface
  public interface Listener {
    /**
     * @param done pairs finished so far, skipped ones included
     * @param total all pairs
     * @param result the new result, or null when the pair was already logged or its image skipped
     */
    void finished(int done, int total, ImageResult result);

    /** Told when an image is skipped in this run (before {@link #finished} counts its pairs). */
    default void skipped(SkippedItem item) {}
  }

  private EvaluationRun() {}

  /**
   * Runs the missing pairs of the dataset items at {@code indices}.
   *
   * @param preprocess the model input {@code X0} of an item (CHW)
   * @return how many pairs were computed (not resumed, not skipped)
   */
  public static int run(ImageEvaluation evaluation, Dataset dataset, int[] indices, List<CamMethod> methods,
      Function<DatasetItem, float[]> preprocess, ResultsLog log, Listener listener) {
    int total = indices.length * methods.size();
    int done = 0;
    int computed = 0;
    for (int index : indices) {
      String id = dataset.ids().get(index);
      if (log.isSkipped(id)) {
        done += methods.size();
        listener.finished(done, total, null);
        continue;
      }
      int itemEnd = done + methods.size();
      DatasetItem item = null;
      float[] x = null;
      for (CamMethod method : methods) {
        if (log.isDone(id, method.id())) {
          listener.finished(++done, total, null);
          continue;
        }
        ImageResult r;
        try {
          if (item == null) {
            item = dataset.item(index);
            x = preprocess.apply(item);
          }
          DatasetItem it = item;
          float[] input = x;
          r = NonFiniteOutputException.naming(id, () -> evaluation.evaluate(it, input, method, Progress.NONE));
        } catch (InputUnreachableException e) {
          throw new InputUnreachableException(e.path(), e.getMessage() + " (nothing recorded for " + id
              + "; make the file readable and rerun to resume)", e);
        } catch (ModelUnsupportedException e) {
          throw e;
        } catch (SscamException e) {
          SkippedItem s = new SkippedItem(id, e.getMessage());
          log.append(s);
          listener.skipped(s);
          done = itemEnd;
          listener.finished(done, total, null);
          break;
        }
        log.append(r);
        computed++;
        listener.finished(++done, total, r);
      }
    }
    return computed;
  }
}
