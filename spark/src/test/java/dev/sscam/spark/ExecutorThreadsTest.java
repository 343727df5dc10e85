package dev.sscam.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sscam.cam.Methods;
import dev.sscam.cam.Preset;
import dev.sscam.evaluation.Evaluation;
import dev.sscam.model.OnnxClassifier;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.TaskInfo;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How {@code spark.task.cpus} maps to ONNX Runtime threads (see {@link ExecutorModel}): each of the
 * classifier's sessions gets an intra-op pool of T − 1 threads (ONNX Runtime counts the calling
 * thread), and an executor's concurrent tasks share the one classifier, so its pools are not
 * multiplied by the tasks. Threads are counted as those the JVM does not know ({@link NativeThreads}).
 */
class ExecutorThreadsTest {
  @TempDir Path tmp;

  @Test
  void concurrentTasksShareOneClassifierWhosePoolsHoldTaskCpusMinusOneThreadsEach() throws Exception {
    Assumptions.assumeTrue(NativeThreads.supported(), "needs Linux's /proc/self/task to count native threads");
    // One task alone: the classifier's sessions (model, layer, gradient graphs) and their pools, at T = 2 and 3.
    int perSession = poolThreadsOfOneClassifier(2);
    assertThat(perSession).as("sessions of one classifier at T = 2").isPositive();
    assertThat(poolThreadsOfOneClassifier(3)).as("T = 3: two pool threads per session").isEqualTo(2 * perSession);

    int loads = ExecutorModel.loads();
    int foreign = NativeThreads.foreign();
    List<TaskInfo> tasks = new CopyOnWriteArrayList<>();
    SparkSession spark = SparkSession.builder().master("local[4]").config("spark.task.cpus", "2")
        .appName("sscam threads test").getOrCreate();
    try {
      spark.sparkContext().addSparkListener(new SparkListener() {
        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
          tasks.add(end.taskInfo());
        }
      });
      assertThat(SparkEvaluation.run(spark, ExactlyOnceTest.job(EvaluateJobTest.DATA, tmp.resolve("out"), Set.of()),
          n -> { })).isEqualTo(6);
      StandaloneCluster.await(java.time.Duration.ofSeconds(30), "the listener bus", () -> tasks.size() >= 6);
    } finally {
      spark.stop();
    }
    // Tasks ran at the same time (C / T = 4 / 2 slots; the driver learns of a task's end a little
    // after its slot is free, so its times may show a third overlapping)...
    assertThat(mostAtOnce(tasks)).isGreaterThanOrEqualTo(2);
    // ...on one classifier, loaded once for the executor...
    assertThat(ExecutorModel.loads() - loads).isEqualTo(1);
    // ...whose pools (T − 1 = 1 thread per session, kept with the shared classifier) are those of one
    // classifier, not one set per concurrent task.
    assertThat(NativeThreads.foreign() - foreign).isEqualTo(perSession);
  }

  /**
   * The pool threads one classifier opened with {@code threads} intra-op threads adds once it has
   * run every session the job's methods use; they end when it is closed. Two images: a batch size
   * gets its merged forward-backward session the second time it is seen.
   */
  static int poolThreadsOfOneClassifier(int threads) throws Exception {
    int before = NativeThreads.foreign();
    int added;
    try (OnnxClassifier model = OnnxClassifier.open(EvaluateJobTest.MODEL, 16, threads)) {
      Path out = java.nio.file.Files.createTempDirectory("sscam-threads");
      try {
        Evaluation.run(model, new Evaluation.Settings(EvaluateJobTest.DATA, Methods.parse(List.of(EvaluateJobTest.METHODS)),
            2, EvaluateJobTest.SEED, EvaluateJobTest.SAMPLES, 2, EvaluateJobTest.STEP, out, Preset.DEFAULT.id()),
            n -> { }, (d, t, r) -> { });
      } finally {
        HadoopStorage.deleteTree(out);
      }
      added = NativeThreads.foreign() - before;
    }
    assertThat(NativeThreads.foreign()).as("pool threads end with their sessions").isEqualTo(before);
    return added;
  }

  /** The most tasks that were running at one instant. */
  static int mostAtOnce(List<TaskInfo> tasks) {
    int most = 0;
    for (TaskInfo t : tasks) {
      long at = t.launchTime();
      int running = (int) tasks.stream().filter(o -> o.launchTime() <= at && o.finishTime() > at).count();
      most = Math.max(most, running);
    }
    return most;
  }
}
