package dev.sscam.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sscam.onnx.OnnxGraphBuilder;
import dev.sscam.onnx.OnnxModelFile;
import java.nio.file.Files;
import java.nio.file.Path;
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

  @Test
  void fiveHundredBatchesHoldFlatResidentMemory() throws Exception {
    Path status = Path.of("/proc/self/status");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(status), "skipped: needs /proc (Linux)");
    try (OnnxClassifier m = wideInputModel()) {
      float[] x = new float[8 * m.imageSize()];
      TargetLayer layer = m.layer(null);
      int[] classes = new int[8];
      for (int i = 0; i < 50; i++) {
        m.logits(x, 8);
        m.activations(x, 8, layer);
        m.gradients(x, 8, layer, classes);
      }
      long before = rssKb(status);
      for (int i = 0; i < 500; i++) {
        m.logits(x, 8);
        m.activations(x, 8, layer);
        m.gradients(x, 8, layer, classes);
      }
      long after = rssKb(status);
      // Each iteration feeds 3 × 4.8 MB of input: anything kept per batch would add gigabytes.
      assertThat(after - before).as("native (RSS minus Java heap) growth in KB over 500 batches").isLessThan(60_000);
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
