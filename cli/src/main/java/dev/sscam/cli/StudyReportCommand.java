package dev.sscam.cli;

import dev.sscam.study.StudyReport;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sscam study report}: Table IV and its statistics from the study's answers. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Write report.{md,csv,html}: what the study asked, its name, date, model and participants;"
        + " Table IV (each method's share and \"not sure\", each answer normalised to 1) with bootstrap 95%%"
        + " intervals over participants; a test of uniform shares; position bias; Fleiss' kappa (multi-pick"
        + " variant) with its bootstrap interval; the counts.",
        "Warns when too few participants answered for the intervals to mean much. Works mid-study too."})
final class StudyReportCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "STUDY", description = "The study folder.")
  Path study;

  @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Where to write (default: the study folder).")
  Path out;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    List<Path> written = StudyReport.of(study).write(out == null ? study : out);
    written.stream().map(Path::toString).forEach(spec.commandLine().getOut()::println);
    return 0;
  }
}
