package dev.sscam.cli;

import dev.sscam.SscamException;
import dev.sscam.evaluation.EvaluationReport;
import dev.sscam.evaluation.ResultsLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sscam report}: rebuilds an evaluation's report from its results (also mid-run). */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Write DIR/report.{md,csv,html} from DIR/results.jsonl and DIR/config.json of `sscam evaluate`.",
        "With a human-trust study of the same model (--study, or DIR/study), Table IV is included."})
final class ReportCommand implements Callable<Integer> {
  @Option(names = "--from", paramLabel = "DIR", required = true, description = "The evaluation's output folder.")
  Path from;

  @Option(names = "--study", paramLabel = "STUDY",
      description = "A human-trust study of the same model whose Table IV the report includes (default: FROM/study if it exists).")
  Path study;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (!Files.exists(from.resolve(ResultsLog.FILE))) {
      throw new SscamException("no " + ResultsLog.FILE + " in " + from);
    }
    EvaluationReport report = EvaluationReport.from(from);
    HumanTrustAppendix.addTo(report, from, study, spec.commandLine().getErr());
    List<Path> written = report.write(from);
    written.stream().map(Path::toString).sorted().forEach(spec.commandLine().getOut()::println);
    return 0;
  }
}
