package dev.sscam.cli;

import dev.sscam.SscamException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sscam} command: explain ONNX image classifiers with class activation maps. */
@Command(
    name = "sscam",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
        "Explain an ONNX image classifier with class activation maps (SS-CAM, Score-CAM, Grad-CAM family), and"
            + " run the SS-CAM paper's evaluation on your own data."},
    subcommands = {
        ExplainCommand.class,
        CompareCommand.class,
        PredictCommand.class,
        LayersCommand.class,
        BenchCommand.class,
        FidelityCommand.class,
        EvaluateCommand.class,
        ReportCommand.class,
        StudyCommand.class,
        ServeCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @picocli.CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (try: sscam explain)");
  }

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line, returning the exit code (0 ok, 1 error, 2 usage). */
  public static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** Runs the command line with the given streams (tests capture them), returning the exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(Main::handle);
    return cli.execute(args);
  }

  private static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    boolean verbose = parsed.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--verbose"))
        || parsed.hasMatchedOption("--verbose");
    String message = e instanceof SscamException ? e.getMessage() : "internal error: " + e;
    err.println("sscam: " + message);
    if (verbose) {
      e.printStackTrace(err);
    } else if (!(e instanceof SscamException)) {
      err.println("(run with --verbose for the stack trace)");
    }
    err.flush();
    return 1;
  }
}
