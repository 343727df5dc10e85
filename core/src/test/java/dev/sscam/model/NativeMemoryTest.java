package dev.sscam.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sscam.onnx.OnnxModelFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Native tensors and results are closed: a long loop of batches holds flat resident memory. */
class NativeMemoryTest {

  @Test
  void fiveHundredBatchesHoldFlatResidentMemory() throws Exception {
    Path status = Path.of("/proc/self/status");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(status), "skipped: needs /proc (Linux)");
    try (OnnxClassifier m = OnnxClassifier.open(OnnxModelFile.of(ModelLoadingTest.tinyConvModel(-1), "tiny"), null, 8, 1)) {
      // The tiny model's input is 8×8; use a larger batch of them per call to stress tensor churn.
      float[] x = new float[64 * m.imageSize()];
      TargetLayer layer = m.layers().all().get(0);
      for (int i = 0; i < 100; i++) {
        m.logits(x, 64);
        m.activations(x, 8, layer);
      }
      long before = rssKb(status);
      for (int i = 0; i < 500; i++) {
        m.logits(x, 64);
        m.activations(x, 8, layer);
      }
      long after = rssKb(status);
      // 500 × (8 + 1) unclosed tensors of ≥ 6 KB would add well over 25 MB.
      assertThat(after - before).as("RSS growth in KB").isLessThan(20_000);
    }
  }

  static long rssKb(Path status) throws Exception {
    System.gc();
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS");
  }
}
