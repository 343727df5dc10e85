package dev.sscam.cli;

import dev.sscam.model.OnnxClassifier;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by every command that loads a model. */
final class ModelOptions {
  @Option(names = {"-m", "--model"}, paramLabel = "MODEL.onnx",
      description = "ONNX classifier, opset 9-21 (its card NAME.json beside it is read if present; external data must be in"
          + " its folder). Default: the bundled SqueezeNet1.0.")
  Path model;

  @Option(names = {"-b", "--batch-size"}, paramLabel = "B", defaultValue = "16",
      description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--threads", paramLabel = "T", defaultValue = "0",
      description = "ONNX Runtime threads (default: one per core).")
  int threads;

  @Option(names = "--verbose", description = "Print stack traces of errors (otherwise an error is one line; exit code 1, 2 for usage).")
  boolean verbose;

  /** The model path in force. */
  Path modelPath() {
    return model != null ? model : BundledExample.model();
  }

  /** Opens the model. */
  OnnxClassifier open() {
    return OnnxClassifier.open(modelPath(), batchSize, threads);
  }
}
