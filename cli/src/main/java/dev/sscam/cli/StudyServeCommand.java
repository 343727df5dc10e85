package dev.sscam.cli;

import dev.sscam.SscamException;
import dev.sscam.study.NewParticipantLimit;
import dev.sscam.study.StudyServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sscam study serve}: the study as a web page until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Serve the study as a web page. Prints the participants' URL and the admin URL (live counts,"
        + " CSV export), whose token the study keeps, so the link stays good across restarts.",
        "Visitors see a start page; a participant exists only once they press Start, and only those who"
        + " answered are counted. Answers are stored as they are given: stop with Ctrl-C and start again at any"
        + " time."})
final class StudyServeCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "STUDY", description = "The study folder (from `sscam study create`).")
  Path study;

  @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
      description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 for a network).")
  String host;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080", description = "Port (default: ${DEFAULT-VALUE}; 0 = any free port).")
  int port;

  @Option(names = "--new-participants-per-hour", paramLabel = "N", defaultValue = "" + NewParticipantLimit.DEFAULT_PER_HOUR,
      description = "New participants one client address may start per hour (default: ${DEFAULT-VALUE}; a class"
          + " behind one router shares an address).")
  int perHour;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    if (perHour < 1) {
      throw new SscamException("--new-participants-per-hour must be >= 1, got " + perHour);
    }
    StudyServer server;
    try {
      server = StudyServer.start(study, host, port, NewParticipantLimit.perHour(perHour));
    } catch (StudyServer.PortInUse e) {
      throw new SscamException(e.getMessage() + "; choose another with --port");
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }));
    String shown = host.equals("0.0.0.0") ? "HOST" : host;
    out.println("participants: " + server.participantUrl(shown));
    out.println("admin:        " + server.adminUrl(shown));
    out.println("(Ctrl-C stops; answers are already stored)");
    out.flush();
    stopped.await();
    return 0;
  }
}
