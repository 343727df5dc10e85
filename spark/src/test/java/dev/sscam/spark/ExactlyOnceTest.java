package dev.sscam.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sscam.cam.Methods;
import dev.sscam.cam.Preset;
import dev.sscam.data.DatasetItem;
import dev.sscam.evaluation.Evaluation;
import dev.sscam.evaluation.ImageResult;
import dev.sscam.evaluation.ResultsLog;
import dev.sscam.evaluation.SkippedItem;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each pair exactly once in results.jsonl: with a task that fails after computing, after a killed
 * driver, and with a bad image (skipped and recorded once).
 */
class ExactlyOnceTest {
  @TempDir Path tmp;

  static List<DatasetItem> subset(Path data) {
    return Evaluation.openDataset(data, n -> { }).randomSubset(EvaluateJobTest.IMAGES, EvaluateJobTest.SEED);
  }

  static SparkEvaluation.Job job(Path data, Path out, Set<String> faults) {
    return new SparkEvaluation.Job(HadoopStorage.uri(data.toString()), HadoopStorage.uri(EvaluateJobTest.MODEL.toString()),
        HadoopStorage.uri(out.toString()), Methods.parse(List.of(EvaluateJobTest.METHODS)), EvaluateJobTest.IMAGES,
        EvaluateJobTest.SEED, EvaluateJobTest.SAMPLES, 2, EvaluateJobTest.STEP, Preset.DEFAULT, Preset.DEFAULT.reading(), null, 16,
        faults);
  }

  /** local[2, 2]: two task threads, and a failed task is tried once more (local[2] would fail the job). */
  static SparkSession spark() {
    return SparkSession.builder().master("local[2,2]").appName("sscam test").getOrCreate();
  }

  static List<String> keys(Path out) {
    return ResultsLog.read(out.resolve(ResultsLog.FILE)).stream().map(ImageResult::key).toList();
  }

  @Test
  void aTaskThatFailsAfterComputingIsRetriedAndItsPairLoggedOnce() throws Exception {
    Path out = tmp.resolve("out");
    List<DatasetItem> items = subset(EvaluateJobTest.DATA);
    Set<String> faults = Set.of(ImageResult.key(items.get(0).id(), "grad-cam"),
        ImageResult.key(items.get(2).id(), "smooth-grad-cam++"));
    SparkSession spark = spark();
    try {
      List<String> notes = new ArrayList<>();
      assertThat(SparkEvaluation.run(spark, job(EvaluateJobTest.DATA, out, faults), notes::add)).isEqualTo(6);
      // The hook did fire: two failed task attempts in the job's stage.
      assertThat(failedTasks(spark)).isEqualTo(2);
      assertThat(keys(out)).hasSize(6).doesNotHaveDuplicates();
      assertThat(notes).anyMatch(n -> n.matches("sscam: 3 images done, 0 left, ETA .*"));
    } finally {
      spark.stop();
    }
  }

  @Test
  void aKilledJobResumesComputingOnlyTheMissingPairs() throws Exception {
    Path out = tmp.resolve("killed");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.addAll(List.of("-Dspark.ui.enabled=false", "-cp", System.getProperty("java.class.path"),
        EvaluateJob.class.getName()));
    command.addAll(Arrays.asList(EvaluateJobTest.jobArgs("local[1]", EvaluateJobTest.DATA, out)));
    Process child = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("child.log").toFile()).start();
    Path log = out.resolve(ResultsLog.FILE);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    try {
      while (System.nanoTime() < deadline && child.isAlive()
          && (!Files.exists(log) || ResultsLog.read(log).size() < 2)) {
        Thread.sleep(20);
      }
    } finally {
      child.destroyForcibly(); // SIGKILL: no shutdown hooks, a line may be half-written
      child.waitFor(30, TimeUnit.SECONDS);
    }
    List<String> before = keys(out);
    assertThat(before).as("child log: %s", tmp.resolve("child.log")).hasSizeBetween(2, 5);
    byte[] complete = Files.readAllBytes(log);
    int end = complete.length;
    while (end > 0 && complete[end - 1] != '\n') {
      end--;
    }

    SparkSession spark = spark();
    try {
      assertThat(SparkEvaluation.run(spark, job(EvaluateJobTest.DATA, out, Set.of()), n -> { }))
          .isEqualTo(6 - before.size());
    } finally {
      spark.stop();
    }
    assertThat(keys(out)).hasSize(6).doesNotHaveDuplicates().startsWith(before.toArray(new String[0]));
    // The killed run's finished lines are kept byte for byte.
    assertThat(Arrays.copyOf(Files.readAllBytes(log), end)).isEqualTo(Arrays.copyOf(complete, end));
  }

  @Test
  void aBadImageAndABadAnnotationAreSkippedAndRecordedOnce() throws Exception {
    Path data = tmp.resolve("data");
    copyTree(EvaluateJobTest.DATA, data);
    List<DatasetItem> subset = subset(data);
    DatasetItem bad = subset.get(1);
    // Header intact (the driver lists and sizes it), no scan data: undecodable where it is evaluated.
    Files.write(bad.image(), withoutScan(Files.readAllBytes(bad.image())));
    // A broken annotation fails on the driver, when the item is read.
    DatasetItem badXml = subset.get(2);
    Path xml = data.resolve("val/annotations/" + badXml.id() + ".xml");
    Files.writeString(xml, "<annotation><size><width>oops");
    Path out = tmp.resolve("out");
    SparkSession spark = spark();
    try {
      assertThat(SparkEvaluation.run(spark, job(data, out, Set.of()), n -> { })).isEqualTo(2);
      ResultsLog.Contents logged = ResultsLog.readAll(out.resolve(ResultsLog.FILE));
      assertThat(logged.results()).hasSize(2).noneMatch(r -> r.image().equals(bad.id()) || r.image().equals(badXml.id()));
      assertThat(logged.skipped()).extracting(SkippedItem::image).containsExactlyInAnyOrder(bad.id(), badXml.id());
      assertThat(logged.skipped()).filteredOn(k -> k.image().equals(bad.id())).singleElement()
          .satisfies(k -> assertThat(k.reason()).contains(bad.image().getFileName().toString()));
      assertThat(logged.skipped()).filteredOn(k -> k.image().equals(badXml.id())).singleElement()
          .satisfies(k -> assertThat(k.reason()).contains(xml.getFileName().toString()));
      // A rerun does not retry it.
      assertThat(SparkEvaluation.run(spark, job(data, out, Set.of()), n -> { })).isZero();
      assertThat(ResultsLog.readAll(out.resolve(ResultsLog.FILE)).skipped()).hasSize(2);
    } finally {
      spark.stop();
    }
  }

  static int failedTasks(SparkSession spark) throws InterruptedException {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int failed = -1;
    // The status store is fed by the listener bus, a moment after the job returns.
    for (int tries = 0; tries < 100 && failed != 2; tries++) {
      failed = 0;
      for (int job : jsc.statusTracker().getJobIdsForGroup(null)) {
        for (int stage : jsc.statusTracker().getJobInfo(job).stageIds()) {
          SparkStageInfo info = jsc.statusTracker().getStageInfo(stage);
          failed += info == null ? 0 : info.numFailedTasks();
        }
      }
      Thread.sleep(100);
    }
    return failed;
  }

  /** The JPEG up to its first scan (SOS), then its end marker: a header without an image. */
  static byte[] withoutScan(byte[] jpeg) {
    int i = 2;
    while (i + 3 < jpeg.length && (jpeg[i + 1] & 0xFF) != 0xDA) {
      i += 2 + (((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF));
    }
    byte[] out = Arrays.copyOf(jpeg, i + 2);
    out[i] = (byte) 0xFF;
    out[i + 1] = (byte) 0xD9;
    return out;
  }

  static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }
}
