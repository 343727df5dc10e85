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
    description = {"Write report.{md,csv,html}: Table IV (each method's share and \"not sure\", each answer",
        "normalised to 1), bootstrap 95%% intervals over participants, a test of uniform shares, position",
        "bias, Fleiss' kappa and the counts. Works mid-study too."})
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
