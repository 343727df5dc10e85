package dev.sscam.cli;

import dev.sscam.SscamException;
import dev.sscam.evaluation.EvaluationConfig;
import dev.sscam.evaluation.EvaluationReport;
import dev.sscam.study.StudyDatabase;
import dev.sscam.study.StudyReport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Adds the human-trust study's Table IV to an evaluation report when the study is of the same model
 * (same model SHA-256): the study given with {@code --study}, else {@code EVAL/study} if it exists.
 */
final class HumanTrustAppendix {
  /** The study folder looked for inside an evaluation's folder. */
  static final String DEFAULT_FOLDER = "study";

  private HumanTrustAppendix() {}

  static void addTo(EvaluationReport report, Path evalDir, Path study, PrintWriter err) {
    boolean explicit = study != null;
    Path dir = explicit ? study : evalDir.resolve(DEFAULT_FOLDER);
    if (!Files.isRegularFile(dir.resolve(StudyDatabase.FILE))) {
      if (explicit) {
        throw new SscamException(dir + " is not a study folder: it has no " + StudyDatabase.FILE);
      }
      return;
    }
    Path configFile = evalDir.resolve(EvaluationConfig.FILE);
    String evalModel = Files.exists(configFile) ? EvaluationConfig.read(configFile).modelSha256() : null;
    StudyReport trust = StudyReport.of(dir);
    if (evalModel == null || !evalModel.equals(trust.modelSha256())) {
      String why = dir + " is a study of model " + trust.modelSha256() + ", the evaluation's is " + evalModel;
      if (explicit) {
        throw new SscamException(why + "; Table IV is only added for the same model");
      }
      err.println("sscam: note: " + why + "; its Table IV is not added");
      return;
    }
    report.withAppendix(trust.markdownSection() + "\n", trust.htmlSection());
  }
}
