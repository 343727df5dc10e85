package dev.sscam.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sscam.SscamException;
import dev.sscam.cam.CamMethod;
import dev.sscam.cam.Methods;
import dev.sscam.cam.Preset;
import dev.sscam.cam.SaliencyMap;
import dev.sscam.io.ListeningPort;
import dev.sscam.model.OnnxClassifier;
import dev.sscam.render.HtmlTemplate;
import dev.sscam.render.PngWriter;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * {@code sscam serve}: the explorer page and the versioned HTTP API over one or more models (Javalin on
 * Jetty, the study's web stack and habits: security headers on every answer, errors as one line, the
 * port asked for first so that a busy one is one line).
 *
 * <p>Requests that compute go through one bounded {@link JobQueue}; every model's ONNX Runtime sessions
 * are shared by the workers. A request is checked (body size, options) before it is queued; its image is
 * decoded by the worker that takes it (pixels checked from the header first), so decoding's memory is
 * bounded by the queue too. With a token, every {@code /v1/} route and {@code /metrics} require {@code
 * Authorization: Bearer TOKEN}, compared in constant time; the explorer page and {@code /healthz} do
 * not.
 */
public final class ExplainServer implements AutoCloseable {
  /** A port that another program listens on. */
  public static final class PortInUse extends SscamException {
    private static final long serialVersionUID = 1L;

    PortInUse(int port) {
      super("port " + port + " is in use");
    }
  }

  private static final String PAGES = "dev/sscam/serve/";
  private static final Pattern MAP_FILE = Pattern.compile("(\\d{1,3})(\\.png|\\.npy|\\.cam\\.npy|\\.json|\\.heatmap\\.png)");

  private final ServedModels models;
  private final ServeConfig config;
  private final ServeLimits limits;
  private final ObjectMapper json = new ObjectMapper();
  private final ServerMetrics metrics = new ServerMetrics();
  private final JobQueue queue;
  private final Path scratch;
  private final Map<String, Path> examples = new LinkedHashMap<>();
  private final Javalin app;

  private ExplainServer(ServedModels models, ServeConfig config) throws IOException {
    // Asked first, so that a busy port is one line: Javalin would log its own error with a stack trace.
    if (config.port() != 0 && !ListeningPort.isFree(config.host(), config.port())) {
      throw new PortInUse(config.port());
    }
    this.models = models;
    this.config = config;
    this.limits = config.limits();
    for (Path p : config.examples()) {
      examples.put(p.getFileName().toString(), p);
    }
    // ImageIO's default disk cache would put every decoded upload through the temp folder again.
    ImageIO.setUseCache(false);
    this.scratch = Files.createTempDirectory("sscam-serve-");
    this.queue = new JobQueue(limits.workers(), limits.queueCapacity(), metrics);
    this.app = Javalin.create(c -> {
      c.startup.showJavalinBanner = false;
      c.startup.showOldJavalinVersionWarning = false;
      c.http.generateEtags = false;
      c.jetty.modifyHttpConfiguration(http -> {
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
      });
      c.routes.before(this::securityHeaders);
      c.routes.before(this::requireToken);
      c.routes.after(ctx -> metrics.request(ctx.statusCode()));
      c.routes.get("/", ctx -> ctx.html(HtmlTemplate.render(PAGES + "explorer.mustache", page())));
      c.routes.get("/explorer.js", ctx -> resource(ctx, "explorer.js", "text/javascript; charset=utf-8"));
      c.routes.get("/explorer.css", ctx -> resource(ctx, "explorer.css", "text/css; charset=utf-8"));
      c.routes.get("/healthz", ctx -> send(ctx, 200, Map.of("status", "ok", "models", models.all().size())));
      c.routes.get("/metrics", ctx -> send(ctx, 200, metrics.report(queue.queued(), queue.running(), queue.capacity(),
          queue.workers())));
      c.routes.get("/v1/models", ctx -> send(ctx, 200, models.all().stream().map(this::modelJson).toList()));
      c.routes.get("/v1/models/{id}", ctx -> send(ctx, 200, modelJson(models.byId(ctx.pathParam("id")))));
      c.routes.get("/v1/models/{id}/layers", ctx -> send(ctx, 200, layersJson(models.byId(ctx.pathParam("id")))));
      c.routes.get("/v1/models/{id}/classes", ctx -> send(ctx, 200, classesJson(models.byId(ctx.pathParam("id")))));
      c.routes.get("/v1/methods", ctx -> send(ctx, 200, methodsJson()));
      c.routes.get("/v1/examples", ctx -> send(ctx, 200, examples.keySet().stream().map(n -> Map.of("name", n)).toList()));
      c.routes.get("/v1/examples/{name}", this::example);
      c.routes.post("/v1/predict", this::predict);
      c.routes.post("/v1/explain", this::explain);
      c.routes.post("/v1/jobs", this::submitJob);
      c.routes.get("/v1/jobs/{id}", ctx -> send(ctx, 200, JobJson.status(queue.get(ctx.pathParam("id")))));
      c.routes.delete("/v1/jobs/{id}", this::cancelJob);
      c.routes.get("/v1/jobs/{id}/picture.png", this::picture);
      c.routes.get("/v1/jobs/{id}/maps/{file}", this::mapFile);
      c.routes.exception(ApiError.class, (e, ctx) -> error(ctx, e));
      c.routes.exception(Exception.class, (e, ctx) -> {
        e.printStackTrace();
        error(ctx, new ApiError(500, "internal error (" + e.getClass().getSimpleName() + "); see the server's log"));
      });
      // Javalin's own 404 and 405 (no route) as JSON too; ours already are.
      c.routes.error(404, ctx -> {
        if (!isJson(ctx)) {
          error(ctx, ApiError.notFound("no such route: " + ctx.method() + " " + ctx.path()));
        }
      });
      c.routes.error(405, ctx -> {
        if (!isJson(ctx)) {
          error(ctx, new ApiError(405, "method not allowed: " + ctx.method() + " " + ctx.path()));
        }
      });
    });
    int port = config.port();
    try {
      app.start(config.host(), port);
    } catch (RuntimeException e) {
      app.stop();
      queue.close();
      deleteScratch();
      if (ListeningPort.isBindFailure(e)) {
        throw new PortInUse(port);
      }
      throw e;
    }
  }

  /**
   * Serves {@code models} as {@code config} says; the server owns the models from here and closes
   * them when it closes.
   *
   * @throws PortInUse when another program listens on the port
   */
  public static ExplainServer start(ServedModels models, ServeConfig config) {
    try {
      return new ExplainServer(models, config);
    } catch (IOException e) {
      throw new SscamException("cannot create the server's scratch folder: " + e.getMessage(), e);
    }
  }

  /** The port it listens on. */
  public int port() {
    return app.port();
  }

  /** The explorer's URL on {@code host}. */
  public String url(String host) {
    return "http://" + host + ":" + port() + "/";
  }

  @Override
  public void close() {
    app.stop();
    queue.close();
    models.close();
    deleteScratch();
  }

  private void deleteScratch() {
    try (var files = Files.list(scratch)) {
      for (Path p : files.toList()) {
        Files.deleteIfExists(p);
      }
      Files.deleteIfExists(scratch);
    } catch (IOException ignored) {
      // a temp folder left behind is the system's to clean
    }
  }

  // ---- routes ----

  private void securityHeaders(Context ctx) {
    ctx.header("Content-Security-Policy", "default-src 'none'; img-src 'self' blob: data:; script-src 'self';"
        + " style-src 'self'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'");
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("Cache-Control", "no-store");
  }

  private void requireToken(Context ctx) {
    String path = ctx.path();
    if (config.token() == null || !(path.startsWith("/v1/") || path.equals("/metrics"))) {
      return;
    }
    String auth = ctx.header("Authorization");
    String given = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : "";
    if (!MessageDigest.isEqual(config.token().getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8))) {
      ctx.header("WWW-Authenticate", "Bearer");
      throw new ApiError(401, "this server needs 'Authorization: Bearer TOKEN' (the token of --token-file)");
    }
  }

  private Map<String, Object> page() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("title", "sscam explorer");
    p.put("maxMaps", limits.maxMaps());
    p.put("maxSamples", limits.maxSamples());
    p.put("maxBytes", limits.maxImageBytes());
    p.put("token", config.token() != null);
    return p;
  }

  private Map<String, Object> modelJson(ServedModel m) {
    OnnxClassifier c = m.classifier();
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("id", m.id());
    o.put("name", c.card().name());
    o.put("classes", c.numClasses());
    o.put("input", List.of(3, c.card().height(), c.card().width()));
    o.put("default_layer", c.layers().defaultLayer().name());
    o.put("model_sha256", c.file().sha256());
    return o;
  }

  private List<Map<String, Object>> layersJson(ServedModel m) {
    return m.classifier().layers().describe();
  }

  private List<Map<String, Object>> classesJson(ServedModel m) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (int c = 0; c < m.classifier().numClasses(); c++) {
      out.add(Map.of("class", c, "label", m.classifier().card().label(c)));
    }
    return out;
  }

  private Map<String, Object> methodsJson() {
    List<Map<String, Object>> methods = new ArrayList<>();
    for (String id : Methods.ids()) {
      CamMethod m = Methods.byId(id);
      methods.add(Map.of("id", id, "title", m.title(), "score_based", m.weighsByScores()));
    }
    List<String> presets = new ArrayList<>();
    for (Preset p : Preset.values()) {
      presets.add(p.id());
    }
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("methods", methods);
    o.put("presets", presets);
    o.put("default_preset", Preset.DEFAULT.id());
    o.put("limits", Map.of("max_maps", limits.maxMaps(), "max_samples", limits.maxSamples(),
        "max_image_bytes", limits.maxImageBytes(), "max_pixels", limits.maxPixels(),
        "time_limit_seconds", limits.timeLimit().toSeconds()));
    return o;
  }

  private void example(Context ctx) throws IOException {
    Path p = examples.get(ctx.pathParam("name"));
    if (p == null) {
      throw ApiError.notFound("no example '" + ctx.pathParam("name") + "'");
    }
    String name = p.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    ctx.contentType(name.endsWith(".png") ? "image/png" : "image/jpeg").result(Files.readAllBytes(p));
  }

  /** A job over the request's image and options, checked but not yet queued. */
  private Job job(Context ctx, boolean withMaps) {
    ImageRequest req = ImageRequest.read(ctx, limits, json);
    ObjectNode options = req.options();
    MapPlan plan = MapPlan.of(options, models, limits);
    if (!withMaps) {
      plan = new MapPlan(plan.model(), List.of(), plan.formats());
    }
    byte[] bytes = req.image();
    ServedModel model = plan.model();
    return new Job(plan, () -> DecodedImage.of(bytes, model.classifier().card(), limits.maxPixels(), scratch),
        limits.timeLimit(), metrics);
  }

  /** Queues {@code job} and waits for it; its error when it failed. */
  private Job run(Job job) throws InterruptedException {
    queue.submit(job);
    try {
      // The time limit cancels the work itself; this wait only guards against a worker that never answers.
      if (!job.await(limits.timeLimit().multipliedBy(2).plus(queueWait()))) {
        job.cancel();
        throw new ApiError(504, "no answer within the time limit");
      }
    } catch (InterruptedException e) {
      job.cancel();
      throw e;
    }
    if (job.state() != Job.State.DONE) {
      throw job.error();
    }
    return job;
  }

  /** The longest a queued request may wait: every request ahead of it at the time limit, per worker. */
  private Duration queueWait() {
    return limits.timeLimit().multipliedBy(1 + limits.queueCapacity() / limits.workers());
  }

  private void predict(Context ctx) throws InterruptedException {
    Job job = run(job(ctx, false));
    String q = ctx.queryParam("top");
    int top = q != null && q.matches("\\d{1,4}") ? Integer.parseInt(q) : 5;
    send(ctx, 200, JobJson.prediction(job, Math.max(1, top)));
  }

  private void explain(Context ctx) throws InterruptedException {
    send(ctx, 200, JobJson.explained(run(job(ctx, true))));
  }

  private void submitJob(Context ctx) {
    Job job = job(ctx, true);
    queue.submitKept(job);
    send(ctx, 202, JobJson.status(job));
  }

  private void cancelJob(Context ctx) {
    Job job = queue.get(ctx.pathParam("id"));
    job.cancel();
    send(ctx, 200, JobJson.status(job));
  }

  private void picture(Context ctx) {
    Job job = queue.get(ctx.pathParam("id"));
    if (job.image() == null) {
      throw ApiError.notFound("the image of job " + job.id() + " is not decoded yet");
    }
    ctx.contentType("image/png").result(PngWriter.bytes(job.image().picture()));
  }

  private void mapFile(Context ctx) throws JsonProcessingException {
    Job job = queue.get(ctx.pathParam("id"));
    Matcher m = MAP_FILE.matcher(ctx.pathParam("file"));
    if (!m.matches()) {
      throw ApiError.notFound("no such file; a map is K.png, K.heatmap.png, K.npy, K.cam.npy or K.json");
    }
    int k = Integer.parseInt(m.group(1));
    if (k >= job.plan().maps().size() || job.result(k) == null) {
      throw ApiError.notFound("map " + k + " of job " + job.id() + " is not computed");
    }
    MapPlan.MapSpec spec = job.plan().maps().get(k);
    SaliencyMap s = job.result(k);
    String stem = "map-" + k + "." + spec.method().id();
    switch (m.group(2)) {
      case ".png" -> download(ctx, stem + ".png", "image/png", MapPictures.overlayPng(job.image().picture(), s, spec.title()));
      case ".heatmap.png" -> ctx.contentType("image/png").result(MapPictures.heatmapPng(s));
      case ".npy" -> download(ctx, stem + ".npy", "application/octet-stream", MapPictures.explanationNpy(s));
      case ".cam.npy" -> download(ctx, stem + ".cam.npy", "application/octet-stream", MapPictures.camNpy(s));
      default -> {
        Map<String, Object> doc = JobJson.mapSummary(spec, s);
        doc.put("provenance", JobJson.provenance(s.provenance()));
        download(ctx, stem + ".json", "application/json",
            json.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc));
      }
    }
  }

  private static void download(Context ctx, String name, String type, byte[] bytes) {
    ctx.header("Content-Disposition", "attachment; filename=\"" + name + "\"");
    ctx.contentType(type).result(bytes);
  }

  // ---- answers ----

  private void send(Context ctx, int status, Object body) {
    try {
      ctx.status(status).contentType("application/json").result(json.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void error(Context ctx, ApiError e) {
    if (e.status() == 503) {
      ctx.header("Retry-After", Long.toString(queue.retryAfterSeconds()));
    }
    send(ctx, e.status(), Map.of("error", e.getMessage()));
  }

  private static boolean isJson(Context ctx) {
    String type = ctx.res().getContentType();
    return type != null && type.startsWith("application/json");
  }

  private static void resource(Context ctx, String name, String type) throws IOException {
    try (InputStream in = ExplainServer.class.getResourceAsStream(name)) {
      ctx.contentType(type).result(in.readAllBytes());
    }
  }
}
