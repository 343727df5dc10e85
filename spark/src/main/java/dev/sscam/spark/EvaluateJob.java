package dev.sscam.spark;

import dev.sscam.SscamException;
import dev.sscam.cli.EvaluationOptions;
import dev.sscam.cli.FastOptions;
import java.io.PrintWriter;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sscam evaluate} as a Spark application: the same options, subset, results and report, with
 * the image × method pairs computed on the cluster's executors.
 *
 * <pre>
 * spark-submit --class dev.sscam.spark.EvaluateJob sscam-spark.jar \
 *     --data hdfs:///data/ilsvrc-val --model hdfs:///models/squeezenet1_0.onnx --out hdfs:///runs/sq</pre>
 *
 * See docs/spark.md for cluster sizing and what exactly-once rests on.
 */
@Command(name = "EvaluateJob", mixinStandardHelpOptions = true,
    description = {"Run the paper's evaluation (as sscam evaluate) on Apache Spark.",
        "Paths are Hadoop URIs (file:, hdfs:, s3a:, ...) or local paths.",
        "Each executor loads the model once; each task runs ONNX Runtime on",
        "spark.task.cpus threads. Results go to OUT/results.jsonl as pairs finish;",
        "rerunning with the same options resumes. Writes OUT/report.{md,csv,html}."})
public final class EvaluateJob implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(EvaluateJob.class);

  /** Spark conf key of the test-only fault hook: comma-separated {@code IMAGE/METHOD} pairs. */
  static final String FAIL_FIRST_ATTEMPT = "spark.sscam.test.failFirstAttempt";

  @Mixin EvaluationOptions evaluation;

  @Mixin FastOptions fast;

  @Option(names = {"-m", "--model"}, paramLabel = "URI", required = true,
      description = "ONNX classifier (its card NAME.json beside it is read if present).")
  String model;

  @Option(names = {"-b", "--batch-size"}, paramLabel = "B", defaultValue = "16",
      description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--master", paramLabel = "URL",
      description = {"Spark master when not started by spark-submit, e.g. local[2] to try it on one machine",
          "or spark://HOST:7077 (the job then ships its own jar to the executors as spark.jars)."})
  String master;

  @Spec CommandLine.Model.CommandSpec spec;

  private int computed;

  /** Runs the job and exits with its code (0 done, 1 error, 2 usage). */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the job, returning the exit code. */
  public static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** Runs the job with the given streams (tests capture them), returning the exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new EvaluateJob());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof SscamException) {
        cmd.getErr().println("sscam: error: " + e.getMessage());
        cmd.getErr().flush();
        return 1;
      }
      throw e;
    });
    return cli.execute(args);
  }

  @Override
  public Integer call() {
    evaluation.validate();
    SparkEvaluation.Job job = new SparkEvaluation.Job(HadoopStorage.uri(evaluation.data()), HadoopStorage.uri(model),
        HadoopStorage.uri(evaluation.out()), evaluation.methods(), evaluation.images(), evaluation.seed(),
        evaluation.samples(), evaluation.sigma(), evaluation.step(), evaluation.preset(), evaluation.reading(), fast.mode(),
        batchSize, Set.of());
    SparkSession.Builder builder = SparkSession.builder().appName("sscam evaluate");
    if (master != null) {
      builder.master(master);
    }
    JobJar.sparkJars(master, System.getProperty("spark.jars"), JobJar.holding(EvaluateJob.class))
        .ifPresent(jars -> builder.config("spark.jars", jars));
    SparkSession spark = builder.getOrCreate();
    try {
      String faults = spark.conf().get(FAIL_FIRST_ATTEMPT, "");
      if (!faults.isEmpty()) {
        job = withFaults(job, faults);
      }
      computed = SparkEvaluation.run(spark, job, LOG::info);
    } finally {
      spark.stop();
    }
    spec.commandLine().getOut().printf("%d image x method pairs computed (others resumed); report: %s%n", computed,
        reportPath(job.out()));
    spec.commandLine().getOut().flush();
    return 0;
  }

  /** Where the report is, as a user types it: a plain path for {@code file:}, else the URI. */
  static String reportPath(java.net.URI out) {
    String name = "report.{md,csv,html}";
    if (HadoopStorage.isLocal(out)) {
      return java.nio.file.Path.of(out).resolve(name).toString();
    }
    String base = out.toString();
    return (base.endsWith("/") ? base : base + "/") + name;
  }

  private static SparkEvaluation.Job withFaults(SparkEvaluation.Job j, String faults) {
    Set<String> keys = new java.util.HashSet<>();
    for (String pair : faults.split(",")) {
      int slash = pair.lastIndexOf('/');
      keys.add(dev.sscam.evaluation.ImageResult.key(pair.substring(0, slash), pair.substring(slash + 1)));
    }
    return new SparkEvaluation.Job(j.data(), j.model(), j.out(), j.methods(), j.images(), j.seed(), j.samples(),
        j.sigma(), j.step(), j.preset(), j.reading(), j.fast(), j.batchSize(), keys);
  }
}
