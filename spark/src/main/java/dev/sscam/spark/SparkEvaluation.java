package dev.sscam.spark;

import dev.sscam.InputUnreachableException;
import dev.sscam.SscamException;
import dev.sscam.cam.CamMethod;
import dev.sscam.cam.FastMode;
import dev.sscam.cam.Preset;
import dev.sscam.cam.Reading;
import dev.sscam.data.Dataset;
import dev.sscam.data.DatasetItem;
import dev.sscam.evaluation.Evaluation;
import dev.sscam.evaluation.EvaluationConfig;
import dev.sscam.evaluation.EvaluationFigure;
import dev.sscam.evaluation.EvaluationReport;
import dev.sscam.evaluation.ResultsLog;
import dev.sscam.evaluation.SkippedItem;
import dev.sscam.io.AtomicFile;
import dev.sscam.onnx.OnnxModelFile;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.BoxedUnit;

/**
 * The driver's side of the job: the same subset, configuration check and results log as
 * {@link Evaluation#run}, with the missing image × method pairs spread over the executors, one
 * pair per Spark task.
 *
 * <p><b>Exactly once.</b> Executors write nothing; each task returns its pair's outcome, and only
 * the driver appends to {@code results.jsonl}. Spark hands a result stage's partition result to the
 * driver's result handler once: output of a failed attempt is never delivered, and of a retried or
 * speculative duplicate only the first successful attempt's is (the scheduler marks the partition
 * finished and drops the rest). The driver also checks each key against the log before appending,
 * so even a second delivery could not write a second line. A line is fsynced before the next one is
 * written, so a killed driver loses at most the pairs in flight; a rerun on the same {@code --out}
 * skips every logged pair (and skipped image) and computes the rest.
 */
final class SparkEvaluation {
  private static final long PUBLISH_EVERY_NANOS = Duration.ofSeconds(60).toNanos();

  /**
   * What to run: core's settings (their data and out folders are the driver's local views) plus
   * where things are.
   *
   * @param data the dataset's URI
   * @param model the model's URI
   * @param out the output folder's URI
   * @param fast fast mode of Score-CAM and SS-CAM, or null for exact maps
   * @param batchSize images per forward pass
   * @param failFirstAttempt test-only fault hook (result keys); empty in real runs
   */
  record Job(URI data, URI model, URI out, List<CamMethod> methods, int images, long seed, int samples, double sigma,
      int step, Preset preset, Reading reading, FastMode fast, int batchSize, Set<String> failFirstAttempt) {}

  private SparkEvaluation() {}

  /**
   * Runs (or resumes) the evaluation on {@code spark}, then writes the report.
   *
   * @return the number of pairs computed in this run
   */
  static int run(SparkSession spark, Job job, Consumer<String> note) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Path localData = HadoopStorage.local(job.data(), conf);
    Dataset dataset = Evaluation.openDataset(localData, note);
    // Indices only: each item (its annotation) is read when its pairs are listed, so a broken one is
    // skipped and recorded like in sscam evaluate instead of ending the job.
    int[] indices = dataset.randomIndices(job.images(), job.seed());
    List<String> ids = java.util.Arrays.stream(indices).mapToObj(i -> dataset.ids().get(i)).toList();
    OutputFolder out = OutputFolder.open(job.out(), conf);
    Evaluation.Settings settings = new Evaluation.Settings(localData, job.methods(), job.images(), job.seed(),
        job.samples(), job.sigma(), job.step(), out.local(), job.preset(), job.reading(), job.fast());

    Path localModel = ExecutorModel.local(job.model(), conf);
    String sha256 = OnnxModelFile.load(localModel).sha256();
    // The target layer as sscam evaluate records it; opening the model here also refuses one that
    // cannot be explained before any task runs.
    String layer;
    try (dev.sscam.model.OnnxClassifier model = dev.sscam.model.OnnxClassifier.open(localModel, 1, 1)) {
      layer = Evaluation.layerOf(model);
    }
    int computed = 0;
    {
      String datasetName = HadoopStorage.isLocal(job.data()) ? localData.toAbsolutePath().normalize().toString()
          : job.data().toString();
      EvaluationConfig config = Evaluation.config(settings, sha256, datasetName, ids).withLayer(layer);
      Set<String> figureIds = ids.stream().limit(EvaluationFigure.DEFAULT_IMAGES).collect(Collectors.toSet());
      try (ResultsLog log = ResultsLog.open(out.local(), config)) {
        List<ImagePair> pairs = new ArrayList<>();
        for (int index : indices) {
          String id = dataset.ids().get(index);
          if (log.isSkipped(id) || job.methods().stream().allMatch(m -> log.isDone(id, m.id()))) {
            continue;
          }
          DatasetItem item;
          try {
            item = dataset.item(index);
          } catch (InputUnreachableException e) {
            throw e; // the driver's own view of the data is broken: stop, record nothing
          } catch (SscamException e) {
            log.append(new SkippedItem(id, e.getMessage()));
            note.accept("skipped " + id + ": " + e.getMessage());
            continue;
          }
          for (CamMethod m : job.methods()) {
            if (!log.isDone(item.id(), m.id())) {
              pairs.add(ImagePair.of(item, job.data(), localData, m.id(), figureIds.contains(item.id())));
            }
          }
        }
        DriverProgress progress = new DriverProgress(ids.size(), pairs.stream().map(ImagePair::id).toList(), note);
        if (!pairs.isEmpty()) {
          computed = compute(spark, job, sha256, pairs, log, out, progress);
        }
      }
      out.publish();
      EvaluationReport.from(out.local()).write(out.local());
      out.publish();
      return computed;
    }
  }

  private static int compute(SparkSession spark, Job job, String sha256, List<ImagePair> pairs, ResultsLog log,
      OutputFolder out, DriverProgress progress) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<SerializableConfiguration> hadoop = jsc.broadcast(new SerializableConfiguration(jsc.hadoopConfiguration()));
    JobSettings settings = new JobSettings(job.model(), sha256, job.batchSize(), job.seed(), job.samples(), job.sigma(),
        job.step(), job.preset().id(), job.reading().asMap(), job.fast() == null ? null : job.fast().tolerance(),
        job.failFirstAttempt());
    // One pair per partition: Spark balances cheap and expensive methods across executors by itself.
    JavaRDD<ImagePair> rdd = jsc.parallelize(pairs, pairs.size());
    int[] computed = {0};
    long[] published = {System.nanoTime()};
    @SuppressWarnings("unchecked")
    ClassTag<PairOutcome[]> tag = (ClassTag<PairOutcome[]>) (ClassTag<?>) ClassTag$.MODULE$.apply(PairOutcome[].class);
    scala.Function2<Object, PairOutcome[], BoxedUnit> handler = (partition, outcomes) -> {
      // Runs on the driver, once per partition (Spark drops duplicate attempts' results).
      for (PairOutcome o : outcomes) {
        if (record(o, log, out.local())) {
          computed[0]++;
        }
        progress.pairFinished(o.pair().id());
      }
      if (System.nanoTime() - published[0] > PUBLISH_EVERY_NANOS) {
        out.publish();
        published[0] = System.nanoTime();
      }
      return BoxedUnit.UNIT;
    };
    spark.sparkContext().setJobDescription("sscam evaluate: " + pairs.size() + " image x method pairs");
    try {
      spark.sparkContext().runJob(rdd.rdd(), new PairEvaluator(settings, hadoop), handler, tag);
    } catch (Exception e) {
      // Scala declares no checked exceptions: runJob throws SparkException undeclared
      if (e instanceof org.apache.spark.SparkException aborted) {
        throw aborted(aborted);
      }
      throw e;
    } finally {
      hadoop.destroy();
    }
    return computed[0];
  }

  /**
   * A job Spark aborted (a task failed {@code spark.task.maxFailures} times, the executors were
   * lost…) as one line for {@code sscam: error:}: the task's own error when Spark sent it along (an
   * unreachable file keeps its type and path), else the first line of Spark's reason, without the
   * stack traces Spark appends. What was logged before the abort stays; a rerun resumes.
   */
  static SscamException aborted(org.apache.spark.SparkException e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof InputUnreachableException u) {
        return new InputUnreachableException(u.path(), "the Spark job failed (" + stageFailure(e) + "): "
            + firstLine(u.getMessage()) + "; the pairs finished before are kept, rerun to resume", e);
      }
    }
    Throwable cause = e.getCause();
    String why = cause instanceof SscamException ? firstLine(cause.getMessage()) : firstLine(e.getMessage());
    return new SscamException("the Spark job was aborted: " + why + " (the pairs finished before are kept, rerun to"
        + " resume)", e);
  }

  /**
   * Spark's reason up to its "most recent failure" (e.g. {@code Task 3 in stage 0.0 failed 4 times}),
   * which tells that the task was retried; only for the message, nothing is decided on it.
   */
  private static String stageFailure(org.apache.spark.SparkException e) {
    String reason = firstLine(e.getMessage()).replaceFirst("^Job aborted due to stage failure: ", "");
    int cut = reason.indexOf(", most recent failure");
    return cut < 0 ? "job aborted" : reason.substring(0, cut);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "no reason given";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).trim();
  }

  /**
   * Appends an outcome to the log unless its key is already there (or its image was skipped).
   *
   * @return whether a result line was written
   */
  static boolean record(PairOutcome o, ResultsLog log, Path outDir) {
    ImagePair p = o.pair();
    if (o.skipped() != null) {
      log.append(new SkippedItem(p.id(), o.skipped()));
      return false;
    }
    if (log.isSkipped(p.id()) || log.isDone(p.id(), p.method())) {
      return false;
    }
    log.append(o.result());
    o.figureFiles().forEach((name, bytes) -> AtomicFile.write(outDir.resolve(EvaluationFigure.DIR).resolve(name), bytes));
    return true;
  }
}
