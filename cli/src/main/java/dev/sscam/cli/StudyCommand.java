package dev.sscam.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sscam study}: the human-trust study (PAPER.md, "Human trust"): create, serve, report. */
@Command(name = "study", mixinStandardHelpOptions = true,
    description = {"A blind web study of which explanation people trust (the paper's Table IV).",
        "Subcommands: create computes every method's map per image, serve runs the web page, report writes"
        + " Table IV."},
    subcommands = {StudyCreateCommand.class, StudyServeCommand.class, StudyReportCommand.class})
final class StudyCommand implements Runnable {
  @picocli.CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: create, serve or report");
  }
}
