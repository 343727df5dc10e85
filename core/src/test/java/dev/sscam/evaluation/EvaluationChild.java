package dev.sscam.evaluation;

import dev.sscam.model.OnnxClassifier;
import java.nio.file.Path;
import java.util.List;

/** A separate JVM running an evaluation, for {@link EvaluationKillTest} to kill: args = out folder. */
public final class EvaluationChild {
  private EvaluationChild() {}

  /** Runs the kill test's evaluation into {@code args[0]}. */
  public static void main(String[] args) {
    try (OnnxClassifier model = OnnxClassifier.open(EvaluationResumeTest.MODEL, 16, 1)) {
      Evaluation.run(model, EvaluationKillTest.settings(Path.of(args[0])), msg -> { }, (d, t, r) -> { });
    }
  }
}
