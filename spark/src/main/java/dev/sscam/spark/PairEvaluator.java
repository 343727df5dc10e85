package dev.sscam.spark;

import dev.sscam.InputUnreachableException;
import dev.sscam.ModelUnsupportedException;
import dev.sscam.Progress;
import dev.sscam.SscamException;
import dev.sscam.cam.Methods;
import dev.sscam.data.DatasetItem;
import dev.sscam.evaluation.Evaluation;
import dev.sscam.evaluation.EvaluationFigure;
import dev.sscam.evaluation.ImageEvaluation;
import dev.sscam.evaluation.ImageResult;
import dev.sscam.model.OnnxClassifier;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.SerializableConfiguration;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction2;

/**
 * What a task runs on an executor: each pair of its partition evaluated by core's
 * {@link ImageEvaluation}, with the executor's shared model ({@link ExecutorModel}) given as many
 * ONNX Runtime threads as the task has cores ({@code spark.task.cpus}). Nothing is written here:
 * results go back to the driver, which alone appends them to {@code results.jsonl}.
 *
 * <p>A pair whose image cannot be decoded is returned as skipped; one whose file this executor
 * cannot reach ({@link InputUnreachableException}) fails the task, so Spark retries it and finally
 * aborts the job naming the file.
 */
final class PairEvaluator extends AbstractFunction2<TaskContext, Iterator<ImagePair>, PairOutcome[]>
    implements Serializable {
  private static final long serialVersionUID = 1L;

  private final JobSettings settings;
  private final Broadcast<SerializableConfiguration> hadoop;

  PairEvaluator(JobSettings settings, Broadcast<SerializableConfiguration> hadoop) {
    this.settings = settings;
    this.hadoop = hadoop;
  }

  @Override
  public PairOutcome[] apply(TaskContext task, Iterator<ImagePair> pairs) {
    OnnxClassifier model = ExecutorModel.get(settings, task.cpus(), hadoop.value().value());
    Evaluation.Settings s = settings.evaluation();
    List<PairOutcome> out = new ArrayList<>();
    while (pairs.hasNext()) {
      ImagePair pair = pairs.next();
      out.add(evaluate(model, s, pair, task));
      if (task.attemptNumber() == 0 && settings.failFirstAttempt().contains(pair.key())) {
        throw new IllegalStateException("sscam fault hook: first attempt of " + pair.id() + " " + pair.method()
            + " fails after computing its result");
      }
    }
    return out.toArray(new PairOutcome[0]);
  }

  private PairOutcome evaluate(OnnxClassifier model, Evaluation.Settings s, ImagePair pair, TaskContext task) {
    ImageEvaluation evaluation = Evaluation.imageEvaluation(model, s);
    Path figureDir = null;
    try {
      if (pair.figure()) {
        // Core's figure writer, into a folder of this task; its files travel back with the result.
        figureDir = Files.createTempDirectory("sscam-figure");
        evaluation.recordFigure(new EvaluationFigure(figureDir, List.of(pair.id())));
      }
      ImageResult r;
      try {
        DatasetItem item = pair.item(hadoop.value().value());
        float[] x = model.card().preprocessing().apply(item.image());
        r = evaluation.evaluate(item, x, Methods.byId(pair.method()), Progress.NONE);
      } catch (InputUnreachableException e) {
        // Not the image's fault but this executor's view of the files: fail the task (Spark retries it,
        // perhaps elsewhere) and never record a skip, which a rerun after the fix would not retry.
        throw new InputUnreachableException(e.path(), "executor " + executor(task) + " cannot read " + e.path() + " ("
            + e.getMessage() + "): every executor must be able to read the data and the model at the same path or URI",
            e);
      } catch (ModelUnsupportedException e) {
        // The same for every image (an operator without a gradient rule, an unknown layer): fail the
        // task, and with it the job, rather than recording every image as skipped.
        throw e;
      } catch (SscamException e) {
        // A bad image (undecodable, a broken mask, no usable output) is recorded and skipped, as sscam evaluate does.
        return PairOutcome.skipped(pair, e.getMessage());
      }
      return PairOutcome.computed(pair, r, figureDir == null ? Map.of() : readAll(figureDir.resolve(EvaluationFigure.DIR)));
    } catch (IOException e) {
      throw new SscamException("cannot keep the figure map of " + pair.id() + ": " + e.getMessage());
    } finally {
      if (figureDir != null) {
        try {
          HadoopStorage.deleteTree(figureDir);
        } catch (IOException e) {
          // a temp folder left behind is harmless
        }
      }
    }
  }

  /** This executor as the driver's message names it: its host and Spark id. */
  private static String executor(TaskContext task) {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      host = "?";
    }
    org.apache.spark.SparkEnv env = org.apache.spark.SparkEnv.get();
    return (env == null ? "" : env.executorId() + " ") + "on " + host;
  }

  private static Map<String, byte[]> readAll(Path dir) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> list = Files.list(dir)) {
        for (Path f : list.toList()) {
          files.put(f.getFileName().toString(), Files.readAllBytes(f));
        }
      }
    }
    return files;
  }
}
