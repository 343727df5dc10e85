package dev.sscam.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sscam.cam.FastMode;
import dev.sscam.cam.Methods;
import dev.sscam.cam.Preset;
import dev.sscam.evaluation.Evaluation;
import dev.sscam.evaluation.EvaluationConfig;
import dev.sscam.evaluation.EvaluationFigure;
import dev.sscam.evaluation.ImageResult;
import dev.sscam.evaluation.ResultsLog;
import dev.sscam.model.OnnxClassifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job through its command line on local[2] against core's single-machine evaluation. */
class EvaluateJobTest {
  static final Path DATA = Path.of("../examples/fashion-scenes-mini");
  static final Path MODEL = Path.of("../examples/models/squeezenet1_0.onnx");
  /** Cheap methods; smooth-grad-cam++ draws seeded noise, so the executors' noise is checked too. */
  static final String METHODS = "grad-cam,smooth-grad-cam++";
  static final int IMAGES = 3;
  static final long SEED = 11;
  static final int SAMPLES = 2;
  static final int STEP = 5000;

  @TempDir Path tmp;

  static Evaluation.Settings coreSettings(Path data, Path out) {
    return new Evaluation.Settings(data, Methods.parse(List.of(METHODS)), IMAGES, SEED, SAMPLES, 2, STEP, out, Preset.DEFAULT.id());
  }

  static String[] jobArgs(String master, Path data, Path out) {
    return new String[] {"--master", master, "--data", data.toString(), "--model", MODEL.toString(), "--methods", METHODS,
        "--images", "" + IMAGES, "--seed", "" + SEED, "-N", "" + SAMPLES, "--step", "" + STEP, "--out", out.toString()};
  }

  static Map<String, ImageResult> byKey(Path out) {
    return ResultsLog.read(out.resolve(ResultsLog.FILE)).stream()
        .collect(Collectors.toMap(ImageResult::key, Function.identity()));
  }

  @Test
  void sparkResultsEqualCoreEvaluationValueForValue() throws Exception {
    Path single = tmp.resolve("single");
    Path spark = tmp.resolve("spark");
    // One ONNX Runtime thread, as each local[2] task gets (spark.task.cpus = 1).
    try (OnnxClassifier model = OnnxClassifier.open(MODEL, 16, 1)) {
      assertThat(Evaluation.run(model, coreSettings(DATA, single), n -> { }, (d, t, r) -> { })).isEqualTo(6);
    }
    int loadsBefore = ExecutorModel.loads();
    assertThat(EvaluateJob.run(jobArgs("local[2]", DATA, spark))).isZero();
    // Six tasks over two executor threads: the model was loaded at most once in this JVM (once if it was not yet).
    assertThat(ExecutorModel.loads() - loadsBefore).isLessThanOrEqualTo(1);
    assertThat(ExecutorModel.loads()).isEqualTo(1);

    Map<String, ImageResult> expected = byKey(single);
    List<ImageResult> lines = ResultsLog.read(spark.resolve(ResultsLog.FILE));
    assertThat(lines).hasSize(6);
    for (ImageResult r : lines) {
      // Every field but the wall time, exactly (curves and nulls included).
      assertThat(r).usingRecursiveComparison().ignoringFields("seconds").isEqualTo(expected.get(r.key()));
    }
    assertThat(EvaluationConfig.read(spark.resolve(EvaluationConfig.FILE)))
        .isEqualTo(EvaluationConfig.read(single.resolve(EvaluationConfig.FILE)));
    // The figure maps travel back from the executors byte for byte.
    assertThat(files(spark.resolve(EvaluationFigure.DIR))).isEqualTo(files(single.resolve(EvaluationFigure.DIR)));
    for (String f : files(single.resolve(EvaluationFigure.DIR))) {
      assertThat(spark.resolve(EvaluationFigure.DIR).resolve(f)).hasSameBinaryContentAs(single.resolve(EvaluationFigure.DIR).resolve(f));
    }
    assertThat(Files.readString(spark.resolve("report.md"))).contains("| grad-cam |").contains("| smooth-grad-cam++ |");
    assertThat(spark.resolve("report.csv")).exists();
    assertThat(spark.resolve("report.html")).exists();
  }

  /** --fast: executors compute core's fast maps, value for value, and the run says it is fast mode. */
  @Test
  void fastModeMatchesCoreFastEvaluation() throws Exception {
    Path single = tmp.resolve("single-fast");
    Path spark = tmp.resolve("spark-fast");
    Evaluation.Settings fast = new Evaluation.Settings(DATA, Methods.parse(List.of("ss-cam-2")), 1, SEED, SAMPLES, 2, STEP,
        single, Preset.DEFAULT, Preset.DEFAULT.reading(), new FastMode(0.05));
    try (OnnxClassifier model = OnnxClassifier.open(MODEL, 16, 1)) {
      assertThat(Evaluation.run(model, fast, n -> { }, (d, t, r) -> { })).isEqualTo(1);
    }
    assertThat(EvaluateJob.run("--master", "local[2]", "--data", DATA.toString(), "--model", MODEL.toString(), "--methods",
        "ss-cam-2", "--images", "1", "--seed", "" + SEED, "-N", "" + SAMPLES, "--step", "" + STEP, "--fast-tolerance", "0.05",
        "--out", spark.toString())).isZero();
    Map<String, ImageResult> expected = byKey(single);
    List<ImageResult> lines = ResultsLog.read(spark.resolve(ResultsLog.FILE));
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).usingRecursiveComparison().ignoringFields("seconds").isEqualTo(expected.get(lines.get(0).key()));
    EvaluationConfig config = EvaluationConfig.read(spark.resolve(EvaluationConfig.FILE));
    assertThat(config).isEqualTo(EvaluationConfig.read(single.resolve(EvaluationConfig.FILE)));
    assertThat(config.fastTolerance()).isEqualTo(0.05);
    assertThat(Files.readString(spark.resolve("report.md"))).containsIgnoringCase("fast mode");
  }

  @Test
  void aChangedConfigurationIsRefused() throws Exception {
    Path out = tmp.resolve("out");
    assertThat(EvaluateJob.run(jobArgs("local[2]", DATA, out))).isZero();
    String[] args = jobArgs("local[2]", DATA, out);
    args[args.length - 3] = "4000"; // --step
    assertThat(EvaluateJob.run(args)).isEqualTo(1);
    assertThat(ResultsLog.read(out.resolve(ResultsLog.FILE))).hasSize(6);
  }

  /**
   * The closing line names the report without a doubled slash when --out already exists, and a job
   * Spark aborts ends in one {@code sscam: error:} line (exit 1), not a stack trace.
   */
  @Test
  void reportPathIsCleanAndAnAbortedJobIsOneErrorLine() throws Exception {
    Path out = Files.createDirectories(tmp.resolve("existing"));
    java.io.StringWriter stdout = new java.io.StringWriter();
    java.io.StringWriter stderr = new java.io.StringWriter();
    String[] one = {"--master", "local[2]", "--data", DATA.toString(), "--model", MODEL.toString(), "--methods", "grad-cam",
        "--images", "1", "--seed", "" + SEED, "--step", "" + STEP, "--out", out.toString()};
    assertThat(EvaluateJob.run(new java.io.PrintWriter(stdout), new java.io.PrintWriter(stderr), one)).isZero();
    assertThat(stdout.toString()).isEqualTo("1 image x method pairs computed (others resumed); report: "
        + out.toAbsolutePath().normalize().resolve("report.{md,csv,html}") + System.lineSeparator());

    // The test fault hook fails every pair's first attempt; local[2] allows one attempt, so Spark aborts.
    String faults = Evaluation.openDataset(DATA, n -> { }).ids().stream().map(id -> id + "/grad-cam")
        .collect(Collectors.joining(","));
    String[] two = one.clone();
    two[9] = "2"; // --images 2: one more pair to compute
    stdout.getBuffer().setLength(0);
    System.setProperty(EvaluateJob.FAIL_FIRST_ATTEMPT, faults);
    try {
      assertThat(EvaluateJob.run(new java.io.PrintWriter(stdout), new java.io.PrintWriter(stderr), two)).isEqualTo(1);
    } finally {
      System.clearProperty(EvaluateJob.FAIL_FIRST_ATTEMPT);
    }
    assertThat(stderr.toString().lines().toList()).singleElement().satisfies(line -> assertThat(line)
        .startsWith("sscam: error: the Spark job was aborted: ").contains("sscam fault hook").contains("rerun to resume"));
    assertThat(stdout.toString()).isEmpty();
    assertThat(ResultsLog.read(out.resolve(ResultsLog.FILE))).hasSize(1);
  }

  static List<String> files(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
