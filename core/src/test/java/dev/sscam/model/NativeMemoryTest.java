package dev.sscam.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import dev.sscam.onnx.OnnxGraphBuilder;
import dev.sscam.onnx.OnnxModelFile;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Native tensors and results are closed: a long loop of batches holds flat resident memory. */
class NativeMemoryTest {

  /** 224×224 inputs (600 KB an image) through a nearly free graph: memory churn without compute. */
  private static OnnxClassifier wideInputModel() {
    OnnxGraphBuilder b = new OnnxGraphBuilder("wide").opset(13);
    b.input("input", -1, 3, 224, 224);
    b.initializer("w", new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1}, 4, 3, 1, 1);
    b.node("Conv").name("/features/conv/Conv").inputs("input", "w").outputs("a").attrInts("strides", 4, 4).add();
    b.node("GlobalAveragePool").name("/pool/GlobalAveragePool").inputs("a").outputs("p").add();
    b.node("Flatten").name("/Flatten").inputs("p").outputs("logits").add();
    b.output("logits");
    return OnnxClassifier.open(OnnxModelFile.of(b.build(), "wide.onnx"), null, 8, 1);
  }

  /**
   * Runs the loop in a child JVM of its own (a fixed, pre-touched heap and nothing else running), so
   * that resident memory outside the heap moves only with what ORT holds: in the full suite, other
   * tests' threads and the heap resizing itself moved it by 100–230 MB.
   */
  @Test
  void fiveHundredBatchesHoldFlatResidentMemory(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    // Each iteration feeds 3 × 4.8 MB of input: anything kept per batch would add gigabytes.
    assertThat(childGrowthKb(tmp, false)).as("native (RSS minus Java heap) growth in KB over 500 batches")
        .isLessThan(60_000);
  }

  /** The measurement has teeth: one unclosed 400 KB tensor per batch (an activations Result's size) is caught. */
  @Test
  void oneUnclosedTensorPerBatchIsCaught(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    assertThat(childGrowthKb(tmp, true)).isGreaterThan(60_000);
  }

  private static long childGrowthKb(Path tmp, boolean leak) throws Exception {
    Path status = Path.of("/proc/self/status");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(status), "skipped: needs /proc (Linux)");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path log = tmp.resolve("child.log");
    ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch",
        "-cp", System.getProperty("java.class.path"), NativeMemoryTest.class.getName(), leak ? "leak" : "clean")
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("MALLOC_ARENA_MAX", "2");
    Process child = pb.start();
    assertThat(child.waitFor(5, TimeUnit.MINUTES)).as("child finished").isTrue();
    String out = Files.readString(log);
    assertThat(child.exitValue()).as(out).isZero();
    return Long.parseLong(out.lines().filter(l -> l.startsWith("growth_kb=")).findFirst()
        .orElseThrow(() -> new AssertionError("no growth line in: " + out)).substring("growth_kb=".length()).trim());
  }

  /** The child: warm up, then 500 batches of logits, activations and gradients; prints the growth. */
  public static void main(String[] args) throws Exception {
    Path status = Path.of("/proc/self/status");
    try (OnnxClassifier m = wideInputModel()) {
      float[] x = new float[8 * m.imageSize()];
      TargetLayer layer = m.layer(null);
      int[] classes = new int[8];
      for (int i = 0; i < 50; i++) {
        m.logits(x, 8);
        m.activations(x, 8, layer);
        m.gradients(x, 8, layer, classes);
      }
      boolean leak = args.length > 0 && args[0].equals("leak");
      List<OnnxTensor> leaked = new ArrayList<>();
      long before = rssKb(status);
      for (int i = 0; i < 500; i++) {
        m.logits(x, 8);
        m.activations(x, 8, layer);
        m.gradients(x, 8, layer, classes);
        if (leak) {
          leaked.add(OnnxTensor.createTensor(OnnxClassifier.environment(),
              FloatBuffer.wrap(new float[100_000]), new long[] {100_000}));
        }
      }
      long after = rssKb(status);
      System.out.println("growth_kb=" + (after - before));
    }
  }

  /** Resident memory outside the Java heap, in KB, after a collection (which frees direct buffers). */
  static long rssKb(Path status) throws Exception {
    System.gc();
    Thread.sleep(200);
    long heapKb = Runtime.getRuntime().totalMemory() / 1024;
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) - heapKb;
      }
    }
    throw new IllegalStateException("no VmRSS");
  }
}
