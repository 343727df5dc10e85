package dev.sscam.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sscam.evaluation.ImageResult;
import dev.sscam.evaluation.ResultsLog;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on a real Spark standalone cluster: a Master and two one-core Workers as separate JVMs on
 * 127.0.0.1, started from the Maven jars; jobs submitted through {@code SparkSubmit} (as
 * spark-submit does) or started directly with {@code --master spark://…}. Runs in {@code mvn verify}
 * after the package phase built {@code sscam-spark.jar}; skips itself, saying why, when something
 * it needs is absent. Small on purpose (2 images × grad-cam and smooth-grad-cam++, a coarse step):
 * what it checks is the cluster's behaviour, not the figures.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
  static final Path DATA = Path.of("../examples/fashion-scenes-mini").toAbsolutePath().normalize();
  static final Path MODEL = Path.of("../examples/models/squeezenet1_0.onnx").toAbsolutePath().normalize();
  static final Duration JOB_TIMEOUT = Duration.ofMinutes(4);
  static final Pattern COMPUTED = Pattern.compile("(\\d+) image x method pairs computed");
  /** 2 images × 2 methods: enough pairs to kill a process between two results, few enough to stay quick. */
  static final int IMAGES = 2;
  static final int PAIRS = 2 * IMAGES;

  @TempDir static Path tmp;

  static StandaloneCluster cluster;
  static Path jobJar;
  static Map<String, ImageResult> reference;
  static final List<String> timings = java.util.Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void startCluster() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/cwd")),
        "needs Linux: /proc for the executors' command lines and a path only the driver resolves");
    String jar = System.getProperty("sscam.spark.jar");
    String classpath = System.getProperty("sscam.spark.classpath");
    String args = System.getProperty("sscam.spark.args");
    Assumptions.assumeTrue(jar != null && Files.isRegularFile(Path.of(jar)),
        "needs target/sscam-spark.jar (run through mvn verify, which builds it before this test): " + jar);
    Assumptions.assumeTrue(classpath != null && Files.isRegularFile(Path.of(classpath)),
        "needs target/spark-classpath.txt (written by mvn package): " + classpath);
    Assumptions.assumeTrue(Files.isDirectory(DATA) && Files.isRegularFile(MODEL), "needs " + DATA + " and " + MODEL);
    jobJar = Path.of(jar);
    List<Path> sparkJars = Arrays.stream(Files.readString(Path.of(classpath)).trim().split(java.io.File.pathSeparator))
        .map(Path::of).toList();
    List<String> jvmArgs = Files.readAllLines(Path.of(args)).stream().map(String::trim)
        .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();

    // The reference, while the cluster starts (mostly JVM start-up): sscam evaluate itself, with one
    // ONNX Runtime thread as each one-core task has.
    java.util.concurrent.CompletableFuture<Map<String, ImageResult>> evaluate =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> {
          long t = System.nanoTime();
          Path ref = tmp.resolve("reference");
          StringWriter err = new StringWriter();
          assertThat(dev.sscam.cli.Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err),
              options("evaluate", ref, "--threads", "1", "-q"))).as("sscam evaluate: %s", err).isZero();
          lap("sscam evaluate (reference, in the test JVM, beside the cluster's start)", t);
          return byKey(ref);
        });
    long t0 = System.nanoTime();
    cluster = new StandaloneCluster(tmp.resolve("cluster"), sparkJars, jvmArgs);
    cluster.startMaster(Duration.ofMinutes(2));
    cluster.startWorkers(2, Duration.ofMinutes(2));
    lap("cluster start (Master + 2 Workers)", t0);
    reference = evaluate.get(5, TimeUnit.MINUTES);
    assertThat(reference).hasSize(PAIRS);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
      assertThat(cluster.executors()).isEmpty();
    }
    System.out.println("StandaloneClusterIT timings:");
    timings.forEach(t -> System.out.println("  " + t));
  }

  /** One run through SparkSubmit; an executor is SIGKILLed after the first result. */
  @Test
  @Order(1)
  void resultsEqualSscamEvaluateAndAKilledExecutorLosesNoPair() throws Exception {
    long t0 = System.nanoTime();
    Path out = tmp.resolve("killed-executor");
    Path log = out.resolve(ResultsLog.FILE);
    Process driver = submit(out, tmp, "submit-a.log");
    StandaloneCluster.await(JOB_TIMEOUT, "a first result", () -> !driver.isAlive() || lines(log) >= 1);
    List<ProcessHandle> executors = cluster.executors();
    int linesAtKill = lines(log);
    assertThat(executors).as("two executors at work").hasSize(2);
    executors.get(0).destroyForcibly(); // SIGKILL, mid-run: its task is lost and rescheduled
    assertThat(linesAtKill).as("killed mid-run").isBetween(1, PAIRS - 1);
    assertThat(driver.waitFor(JOB_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    String output = StandaloneCluster.read(tmp.resolve("submit-a.log"));
    assertThat(driver.exitValue()).as(output).isZero();

    List<ImageResult> lines = ResultsLog.read(log);
    assertThat(lines).extracting(ImageResult::key).hasSize(PAIRS).doesNotHaveDuplicates();
    for (ImageResult r : lines) {
      assertThat(r).usingRecursiveComparison().ignoringFields("seconds").isEqualTo(reference.get(r.key()));
    }
    assertThat(ResultsLog.readAll(log).skipped()).isEmpty();
    lap("run 1: SparkSubmit, one executor killed after " + linesAtKill + " of " + PAIRS + " results", t0);
  }

  /**
   * A driver SIGKILLed mid-run; the rerun, started directly with --master spark://… (the job ships
   * its own jar), computes only the missing pairs and keeps the earlier lines byte for byte.
   */
  @Test
  @Order(2)
  void aKilledDriverThenARerunStartedDirectlyComputesOnlyTheMissingPairs() throws Exception {
    long t0 = System.nanoTime();
    Path out = tmp.resolve("killed-driver");
    Path log = out.resolve(ResultsLog.FILE);
    Process driver = submit(out, tmp, "submit-b.log");
    StandaloneCluster.await(JOB_TIMEOUT, "two results", () -> !driver.isAlive() || lines(log) >= 2);
    driver.destroyForcibly(); // SIGKILL: no shutdown hook, a line may be half-written
    assertThat(driver.waitFor(30, TimeUnit.SECONDS)).isTrue();
    byte[] before = Files.readAllBytes(log);
    int complete = completeLength(before);
    int kept = lines(log);
    assertThat(kept).as("killed mid-run").isBetween(2, PAIRS - 1);
    lap("run 2: SparkSubmit, driver killed after " + kept + " of " + PAIRS + " results", t0);

    t0 = System.nanoTime();
    // java -cp sscam-spark.jar:SPARK_HOME/jars/* EvaluateJob --master spark://…, as docs/spark.md shows
    List<String> args = new ArrayList<>(List.of("-Xmx1g"));
    args.addAll(sparkConfAsSystemProperties());
    args.addAll(List.of("-cp", jobJar + java.io.File.pathSeparator + cluster.sparkClasspath(),
        EvaluateJob.class.getName(), "--master", cluster.masterUrl()));
    args.addAll(Arrays.asList(jobOptions(out)));
    Path rerunLog = tmp.resolve("direct-rerun.log");
    Process rerun = cluster.start("rerun", args, tmp, rerunLog);
    assertThat(rerun.waitFor(JOB_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    String output = StandaloneCluster.read(rerunLog);
    assertThat(rerun.exitValue()).as(output).isZero();
    assertThat(StandaloneCluster.find(COMPUTED, output)).as(output).contains(String.valueOf(PAIRS - kept));
    assertThat(output).doesNotContain("ClassNotFoundException");

    List<ImageResult> lines = ResultsLog.read(log);
    assertThat(lines).extracting(ImageResult::key).hasSize(PAIRS).doesNotHaveDuplicates();
    for (ImageResult r : lines) {
      assertThat(r).usingRecursiveComparison().ignoringFields("seconds").isEqualTo(reference.get(r.key()));
    }
    assertThat(Arrays.copyOf(Files.readAllBytes(log), complete)).isEqualTo(Arrays.copyOf(before, complete));
    lap("run 3: rerun started directly (--master spark://), " + (PAIRS - kept) + " pairs computed", t0);
  }

  /**
   * --data as a path only the driver resolves ({@code /proc/self/cwd/…} is each process's own
   * working folder; the executors work elsewhere): the tasks fail, Spark retries them, the job
   * fails with one line naming the file, and no image is recorded as skipped.
   */
  @Test
  @Order(3)
  void aFileOnlyTheDriverSeesFailsTheJobClearlyAndRecordsNoSkip() throws Exception {
    long t0 = System.nanoTime();
    Path out = tmp.resolve("driver-only");
    List<String> args = submitArgs();
    // two attempts per task are enough to show the retry, and cheaper than Spark's default four
    args.addAll(args.indexOf(jobJar.toString()), List.of("--conf", "spark.task.maxFailures=2"));
    args.addAll(List.of("--data", "/proc/self/cwd/" + DATA.getFileName(), "--model", MODEL.toString(), "--methods",
        "grad-cam", "--images", "1", "--seed", "11", "-N", "2", "--step", "5000", "--out", out.toString()));
    Path driverLog = tmp.resolve("submit-c.log");
    Process driver = cluster.start("driver-only", args, DATA.getParent(), driverLog); // the driver's cwd holds the data
    assertThat(driver.waitFor(JOB_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    String output = StandaloneCluster.read(driverLog);
    assertThat(driver.exitValue()).as(output).isEqualTo(1);
    List<String> errors = output.lines().filter(l -> l.startsWith("sscam: error: ")).toList();
    assertThat(errors).as(output).singleElement().satisfies(line -> assertThat(line)
        .contains("/proc/self/cwd/" + DATA.getFileName() + "/val/images/")
        .contains("every executor must be able to read")
        .contains("failed 2 times")); // Spark retried the task before giving up
    ResultsLog.Contents logged = ResultsLog.readAll(out.resolve(ResultsLog.FILE));
    assertThat(logged.skipped()).isEmpty();
    assertThat(logged.results()).isEmpty();
    lap("run 4: data only the driver sees, job failed", t0);
  }

  /** {@code java … SparkSubmit --master URL --class EvaluateJob --conf … sscam-spark.jar}, options to follow. */
  static List<String> submitArgs() {
    List<String> args = new ArrayList<>(List.of("-Xmx1g", "-cp", cluster.sparkClasspath(),
        "org.apache.spark.deploy.SparkSubmit", "--master", cluster.masterUrl(), "--deploy-mode", "client", "--class",
        EvaluateJob.class.getName()));
    for (Map.Entry<String, String> c : sparkConf().entrySet()) {
      args.addAll(List.of("--conf", c.getKey() + "=" + c.getValue()));
    }
    args.add(jobJar.toString());
    return args;
  }

  static Process submit(Path out, Path workDir, String logName) throws Exception {
    List<String> args = submitArgs();
    args.addAll(Arrays.asList(jobOptions(out)));
    return cluster.start(logName, args, workDir, tmp.resolve(logName));
  }

  /** What every job of the test sets: small executors, no UI, the executors' temp folder in the test's. */
  static Map<String, String> sparkConf() {
    return new java.util.LinkedHashMap<>(Map.of("spark.executor.memory", "768m", "spark.ui.enabled", "false",
        "spark.executor.extraJavaOptions", "-Djava.io.tmpdir=" + cluster.tmp(), "spark.driver.host", "127.0.0.1"));
  }

  /** The same conf for a job started directly: SparkConf reads spark.* system properties. */
  static List<String> sparkConfAsSystemProperties() {
    return sparkConf().entrySet().stream().map(c -> "-D" + c.getKey() + "=" + c.getValue()).toList();
  }

  static String[] jobOptions(Path out) {
    return options(null, out);
  }

  /** The evaluation's options (the same for sscam evaluate and the job), {@code command} first if given. */
  static String[] options(String command, Path out, String... more) {
    List<String> o = new ArrayList<>();
    if (command != null) {
      o.add(command);
    }
    o.addAll(List.of("--data", DATA.toString(), "--model", MODEL.toString(), "--methods", "grad-cam,smooth-grad-cam++",
        "--images", "" + IMAGES, "--seed", "11", "-N", "2", "--step", "5000", "--out", out.toString()));
    o.addAll(Arrays.asList(more));
    return o.toArray(new String[0]);
  }

  static Map<String, ImageResult> byKey(Path out) {
    return ResultsLog.read(out.resolve(ResultsLog.FILE)).stream()
        .collect(Collectors.toMap(ImageResult::key, Function.identity()));
  }

  /** Complete lines in the log (a line being written has no newline yet). */
  static int lines(Path log) {
    try {
      if (!Files.exists(log)) {
        return 0;
      }
      byte[] b = Files.readAllBytes(log);
      int n = 0;
      for (byte x : b) {
        n += x == '\n' ? 1 : 0;
      }
      return n;
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  static int completeLength(byte[] log) {
    int end = log.length;
    while (end > 0 && log[end - 1] != '\n') {
      end--;
    }
    return end;
  }

  static void lap(String what, long t0) {
    timings.add(String.format(Locale.ROOT, "%-70s %6.1f s", what, (System.nanoTime() - t0) / 1e9));
  }
}
