package dev.sscam.model;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sscam.SscamException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * Any bytes opened as a model, the whole way a command opens one ({@link OnnxClassifier#open}:
 * protobuf parse, external data, {@code GraphIntegrity}, structure checks, an ONNX Runtime session
 * and its probe run), end in an open classifier or an {@link SscamException}: no other exception,
 * no hang, and no native crash of ONNX Runtime (which would take the JVM down). Seeds: {@code
 * src/test/resources/dev/sscam/model/ModelOpeningFuzzTestInputs/openModel} (two tiny classifiers
 * made with {@code OnnxGraphBuilder}).
 */
class ModelOpeningFuzzTest {
  @TempDir static Path dir;

  @FuzzTest(maxDuration = "10m")
  void openModel(byte[] bytes) throws IOException {
    Path file = dir.resolve("model.onnx");
    Files.write(file, bytes);
    try (OnnxClassifier model = OnnxClassifier.open(file, 1, 1)) {
      if (model.numClasses() < 1) {
        throw new IllegalStateException("opened a model with " + model.numClasses() + " classes");
      }
    } catch (SscamException expected) {
      // a clear refusal is a correct outcome
    }
  }
}
