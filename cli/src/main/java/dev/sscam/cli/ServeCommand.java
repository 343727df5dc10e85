package dev.sscam.cli;

import dev.sscam.SscamException;
import dev.sscam.serve.ExplainServer;
import dev.sscam.serve.ServeConfig;
import dev.sscam.serve.ServeLimits;
import dev.sscam.serve.ServedModels;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sscam serve}: the explorer in the browser and the HTTP API, until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Serve the explorer (one page: pick an image, a layer and methods, and compare the maps side by side)"
        + " and the HTTP API for explaining predictions (POST /v1/explain, GET /v1/models, /healthz, /metrics; see the"
        + " README).",
        "Requests are computed by a bounded work queue on one shared ONNX Runtime session per model: a full queue"
        + " answers 503 with Retry-After, and each request is held to limits on image bytes, pixels, N, maps and time.",
        "Listens on 127.0.0.1 (this machine only) unless --host says otherwise; --token-file makes the API require"
        + " 'Authorization: Bearer TOKEN'."})
final class ServeCommand implements Callable<Integer> {
  @Option(names = {"-m", "--model"}, paramLabel = "MODEL.onnx",
      description = "A model to serve; repeat for several (the first is the default). Default: the bundled SqueezeNet1.0.")
  List<Path> models = new ArrayList<>();

  @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
      description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 for a network, then use --token-file).")
  String host;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080", description = "Port (default: ${DEFAULT-VALUE}; 0 = any free port).")
  int port;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "A file holding the API's bearer token (its first line); the API then refuses requests without it (401).")
  Path tokenFile;

  @Option(names = "--workers", paramLabel = "W", description = "Requests computed at once (default: one per core).")
  Integer workers;

  @Option(names = "--queue", paramLabel = "Q", defaultValue = "32",
      description = "Requests that may wait for a worker; one more gets 503 with Retry-After (default: ${DEFAULT-VALUE}).")
  int queue;

  @Option(names = "--time-limit", paramLabel = "SECONDS", defaultValue = "120",
      description = "Wall time a request's maps may take once started; past it the work is cancelled and the answer is 504 (default: ${DEFAULT-VALUE}).")
  long timeLimit;

  @Option(names = "--max-image-bytes", paramLabel = "BYTES", defaultValue = "20000000",
      description = "Largest image accepted, in bytes; larger is 413 (default: ${DEFAULT-VALUE}).")
  long maxImageBytes;

  @Option(names = "--max-pixels", paramLabel = "PIXELS", defaultValue = "40000000",
      description = "Largest image accepted, in pixels as its header declares them (checked before decoding); larger is 413 (default: ${DEFAULT-VALUE}).")
  long maxPixels;

  @Option(names = "--max-samples", paramLabel = "N", defaultValue = "1000",
      description = "Largest N (SS-CAM samples, Smooth Grad-CAM++ samples) a request may ask for; larger is 422 (default: ${DEFAULT-VALUE}).")
  int maxSamples;

  @Option(names = "--max-maps", paramLabel = "M", defaultValue = "16",
      description = "Most maps one request may ask for (methods x presets or layers compared); more is 422 (default: ${DEFAULT-VALUE}).")
  int maxMaps;

  @Option(names = "--threads", paramLabel = "T", defaultValue = "0", description = "ONNX Runtime threads per session (default: one per core).")
  int threads;

  @Option(names = "--verbose", description = "Print stack traces of errors.")
  boolean verbose;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    ServeLimits limits;
    try {
      limits = new ServeLimits(maxImageBytes, maxPixels, maxSamples, maxMaps, Duration.ofSeconds(timeLimit), queue,
          workers != null ? workers : Runtime.getRuntime().availableProcessors());
    } catch (IllegalArgumentException e) {
      throw new SscamException("--workers, --time-limit and the --max-* limits must be positive, --queue at least 0");
    }
    ServeConfig config = new ServeConfig(host, port, limits, token(), examples());
    ServedModels served = ServedModels.open(models.isEmpty() ? List.of(BundledExample.model()) : models, threads);
    ExplainServer server;
    try {
      server = ExplainServer.start(served, config);
    } catch (ExplainServer.PortInUse e) {
      served.close();
      throw new SscamException(e.getMessage() + "; choose another with --port");
    } catch (RuntimeException e) {
      served.close();
      throw e;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }));
    String shown = host.equals("0.0.0.0") ? "HOST" : host;
    out.println("explorer: " + server.url(shown));
    out.println("API:      " + server.url(shown) + "v1/explain" + (config.token() != null ? " (needs the bearer token)" : ""));
    out.println("(Ctrl-C stops)");
    out.flush();
    stopped.await();
    return 0;
  }

  /** The token of --token-file (its first line, trimmed), or null. */
  private String token() {
    if (tokenFile == null) {
      return null;
    }
    try (Stream<String> lines = Files.lines(tokenFile, StandardCharsets.UTF_8)) {
      String t = lines.findFirst().orElse("").trim();
      if (t.isEmpty()) {
        throw new SscamException("--token-file " + tokenFile + " is empty; put the token on its first line");
      }
      return t;
    } catch (IOException e) {
      throw new SscamException("cannot read --token-file " + tokenFile + ": " + e.getMessage());
    }
  }

  /** The bundled example images, when the project folder has them. */
  private static List<Path> examples() {
    Path dir = BundledExample.home().resolve("examples/fashion-scenes-mini/val/images");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }
}
