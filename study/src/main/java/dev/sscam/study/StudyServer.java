package dev.sscam.study;

import dev.sscam.SscamException;
import dev.sscam.io.ListeningPort;
import dev.sscam.render.HtmlTemplate;
import dev.sscam.study.StudyDatabase.MapImage;
import dev.sscam.study.StudyDatabase.Participant;
import dev.sscam.study.StudyDatabase.Presentation;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * {@code sscam study serve}: the study as a web page (Javalin on Jetty). A visitor sees a start page; only
 * pressing Start (a POST, limited per client address) makes a participant: an anonymous random token in a
 * cookie and a fresh random order of trials and maps (stored). Each trial has its own URL and form; an
 * answer is validated, CSRF-checked, accepted only for the trial being shown, and committed in one
 * transaction before the page moves on. The admin page and the CSV export need the admin token (403
 * without it; compared in constant time), which the study keeps across restarts.
 *
 * <p>Blind: the browser sees only ids of its own ({@link ParticipantIds}), the letters A, B, … and the
 * class the model predicted; never a method name, file name or position in the method table. The maps of
 * a trial are served from memory with equal byte length ({@link EqualLengthPngs}) and equal dimensions.
 */
public final class StudyServer implements AutoCloseable {
  /** The participant cookie. */
  public static final String COOKIE = "participant";
  /** The question the study asks, as the pages and the report word it. */
  public static final String QUESTION = "Which map best explains the object?";
  /** The task as the trial page words it. */
  public static final String TASK = "Tick the map or maps that best show where the object the model sees is,"
      + " or say you are not sure.";

  /** A port that another program listens on. */
  public static final class PortInUse extends SscamException {
    PortInUse(int port) {
      super("port " + port + " is in use");
    }
  }

  static final String ADMIN_TOKEN = "admin_token";
  static final String ID_KEY = "participant_id_key";

  private static final Pattern IMAGE_PATH = Pattern.compile("[0-9a-f]{32}\\.png");
  private static final String PAGES = "dev/sscam/study/";
  private static final String LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

  private final StudyDatabase db;
  private final String adminToken;
  private final ParticipantIds ids;
  private final ServedImages images;
  private final NewParticipantLimit limit;
  private final int trials;
  private final Javalin app;
  /** Per participant, the ids their browser knows (trial, picture and map ids) → what they name. */
  private final Map<Long, Map<String, Named>> known = new ConcurrentHashMap<>();

  /** What a participant's id names: a trial, its picture ({@code mapId} −1) or one of its maps. */
  private record Named(ParticipantIds.Kind kind, StudyDatabase.Trial trial, long mapId) {}

  private StudyServer(Path studyDir, StudyDatabase db, NewParticipantLimit limit, String host, int port) {
    this.db = db;
    this.adminToken = db.secret(ADMIN_TOKEN);
    this.ids = new ParticipantIds(db.secret(ID_KEY));
    this.images = new ServedImages(studyDir, db);
    this.limit = limit;
    this.trials = db.trials().size();
    if (db.methods().size() > LETTERS.length()) {
      throw new SscamException(studyDir + ": a study page labels at most " + LETTERS.length() + " maps");
    }
    this.app = Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.startup.showOldJavalinVersionWarning = false;
      config.http.generateEtags = false;
      config.http.maxRequestSize = AnswerForm.MAX_BYTES;
      config.jetty.modifyHttpConfiguration(http -> {
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
      });
      config.routes.before(StudyServer::securityHeaders);
      // HEAD runs the GET handler itself (Jetty drops the body): left to Javalin, a HEAD of a GET route
      // answers 200 without running it, so HEAD /admin would pass where GET is refused.
      Map<String, Handler> pages = new LinkedHashMap<>();
      pages.put("/", this::home);
      pages.put("/trial/{trial}", this::trialPage);
      pages.put("/img/{file}", this::image);
      pages.put("/study.js", ctx -> resource(ctx, "study.js", "text/javascript; charset=utf-8"));
      pages.put("/study.css", ctx -> resource(ctx, "study.css", "text/css; charset=utf-8"));
      pages.put("/admin", this::adminPage);
      pages.put("/admin/answers.csv", this::export);
      pages.forEach((path, handler) -> {
        config.routes.get(path, handler);
        config.routes.head(path, handler);
      });
      config.routes.post("/start", this::start);
      config.routes.post("/answer/{trial}", this::answer);
      config.routes.exception(HttpResponseException.class, (e, ctx) ->
          ctx.status(e.getStatus()).contentType("text/plain; charset=utf-8").result(e.getMessage() + "\n"));
      config.routes.exception(AnswerForm.Invalid.class, (e, ctx) ->
          ctx.status(400).contentType("text/plain; charset=utf-8").result("bad request: " + e.getMessage() + "\n"));
    });
    // Asked first, so that a busy port is one line: Javalin would log its own error with a stack trace.
    if (port != 0 && !ListeningPort.isFree(host, port)) {
      throw new PortInUse(port);
    }
    try {
      app.start(host, port);
    } catch (RuntimeException e) {
      app.stop();
      if (ListeningPort.isBindFailure(e)) {
        throw new PortInUse(port);
      }
      throw e;
    }
  }

  /**
   * Serves the study in {@code studyDir} on {@code host}:{@code port} (port 0: any free port), with the
   * default limit of new participants per address.
   *
   * @throws PortInUse when another program listens on the port
   */
  public static StudyServer start(Path studyDir, String host, int port) {
    return start(studyDir, host, port, NewParticipantLimit.perHour(NewParticipantLimit.DEFAULT_PER_HOUR));
  }

  /** As {@link #start(Path, String, int)}, with {@code limit} on new participants per client address. */
  public static StudyServer start(Path studyDir, String host, int port, NewParticipantLimit limit) {
    StudyDatabase db = StudyDatabase.open(studyDir);
    try {
      return new StudyServer(studyDir, db, limit, host, port);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /** The port it listens on. */
  public int port() {
    return app.port();
  }

  /** The participants' URL on {@code host}. */
  public String participantUrl(String host) {
    return "http://" + host + ":" + port() + "/";
  }

  /** The admin page's URL on {@code host}, carrying the admin token. */
  public String adminUrl(String host) {
    return "http://" + host + ":" + port() + "/admin?token=" + adminToken;
  }

  /** The study's admin token (the same on every run of the study). */
  public String adminToken() {
    return adminToken;
  }

  @Override
  public void close() {
    app.stop();
    db.close();
  }

  // ---- participant pages ----

  private static void securityHeaders(Context ctx) {
    ctx.header("Content-Security-Policy", "default-src 'none'; img-src 'self'; script-src 'self'; style-src 'self';"
        + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("Cache-Control", "no-store");
  }

  /** The participant of this request's cookie; never creates one (a GET must not write). */
  private Optional<Participant> participant(Context ctx) {
    String token = ctx.cookie(COOKIE);
    return token == null ? Optional.empty() : db.participant(token);
  }

  private void home(Context ctx) {
    Optional<Participant> p = participant(ctx);
    if (p.isEmpty()) {
      Map<String, Object> page = new HashMap<>();
      page.put("title", QUESTION);
      page.put("question", QUESTION);
      page.put("total", trials);
      page.put("maps", db.methods().size());
      ctx.html(HtmlTemplate.render(PAGES + "start.mustache", page));
      return;
    }
    Optional<Presentation> next = db.nextTrial(p.get());
    if (next.isPresent()) {
      ctx.redirect("/trial/" + ids.of(p.get().id(), ParticipantIds.Kind.TRIAL, next.get().trial().id()),
          io.javalin.http.HttpStatus.SEE_OTHER);
      return;
    }
    Map<String, Object> page = new HashMap<>();
    page.put("title", QUESTION);
    page.put("answered", db.answered(p.get()));
    page.put("total", trials);
    ctx.html(HtmlTemplate.render(PAGES + "done.mustache", page));
  }

  private void start(Context ctx) {
    // A cross-site page may not start participants in a visitor's browser (the cookie is SameSite=Strict
    // already; this refuses the POST itself). Browsers send Sec-Fetch-Site; other clients need not.
    String site = ctx.header("Sec-Fetch-Site");
    if (site != null && !site.equals("same-origin") && !site.equals("none")) {
      ctx.status(403).contentType("text/plain; charset=utf-8").result("forbidden: start the study from its own page\n");
      return;
    }
    if (participant(ctx).isEmpty()) {
      if (!limit.tryStart(ctx.ip())) {
        ctx.status(429).contentType("text/plain; charset=utf-8")
            .result("too many new participants from this address; try again later\n");
        return;
      }
      Participant p = db.newParticipant();
      ctx.header("Set-Cookie", COOKIE + "=" + p.token() + "; Path=/; Max-Age=31536000; HttpOnly; SameSite=Strict");
    }
    ctx.redirect("/", io.javalin.http.HttpStatus.SEE_OTHER);
  }

  /** The ids participant {@code p}'s browser knows, built once per participant. */
  private Map<String, Named> known(Participant p) {
    return known.computeIfAbsent(p.id(), id -> {
      Map<String, Named> m = new HashMap<>();
      for (StudyDatabase.Trial t : db.trials()) {
        m.put(ids.of(id, ParticipantIds.Kind.TRIAL, t.id()), new Named(ParticipantIds.Kind.TRIAL, t, -1));
        m.put(ids.of(id, ParticipantIds.Kind.PICTURE, t.id()), new Named(ParticipantIds.Kind.PICTURE, t, -1));
        for (MapImage map : db.maps(t.id())) {
          m.put(ids.of(id, ParticipantIds.Kind.MAP, map.id()), new Named(ParticipantIds.Kind.MAP, t, map.id()));
        }
      }
      return m;
    });
  }

  private Optional<StudyDatabase.Trial> trialOf(Participant p, String id) {
    Named n = known(p).get(id);
    return n == null || n.kind() != ParticipantIds.Kind.TRIAL ? Optional.empty() : Optional.of(n.trial());
  }

  private void trialPage(Context ctx) {
    Optional<Participant> known = participant(ctx);
    if (known.isEmpty()) {
      ctx.redirect("/", io.javalin.http.HttpStatus.SEE_OTHER);
      return;
    }
    Participant p = known.get();
    StudyDatabase.Trial asked = trialOf(p, ctx.pathParam("trial"))
        .orElseThrow(() -> new io.javalin.http.NotFoundResponse("not found"));
    Optional<Presentation> next = db.nextTrial(p);
    // Only the trial being answered has a page: an answered one (Back) or a later one sends the
    // browser on to the current trial, whose page has its own URL and form.
    if (next.isEmpty() || next.get().trial().id() != asked.id()) {
      ctx.redirect("/", io.javalin.http.HttpStatus.SEE_OTHER);
      return;
    }
    Presentation t = next.get();
    // Prepared before the page goes out, so that no map is slower because it is the first asked for.
    images.of(t.trial());
    int answered = db.answered(p);
    List<Map<String, Object>> maps = new ArrayList<>();
    for (int i = 0; i < t.maps().size(); i++) {
      maps.add(Map.of("letter", String.valueOf(LETTERS.charAt(i)), "key", i < 9 ? String.valueOf(i + 1) : "",
          "id", ids.of(p.id(), ParticipantIds.Kind.MAP, t.maps().get(i).id())));
    }
    Map<String, Object> page = new HashMap<>();
    page.put("title", QUESTION);
    page.put("question", QUESTION);
    page.put("answered", answered);
    page.put("total", trials);
    page.put("number", answered + 1);
    page.put("trial", ctx.pathParam("trial"));
    page.put("picture", ids.of(p.id(), ParticipantIds.Kind.PICTURE, t.trial().id()));
    page.put("label", t.trial().label());
    page.put("csrf", p.csrf());
    page.put("maps", maps);
    ctx.html(HtmlTemplate.render(PAGES + "trial.mustache", page));
  }

  /** How much of an oversized form is read and thrown away so that its 400 reaches the client. */
  private static final long OVERSIZED_DRAIN_BYTES = 256 * 1024;

  /** Reads and discards up to {@code limit} bytes; true when the stream ended within them. */
  private static boolean drained(InputStream in, long limit) throws IOException {
    byte[] sink = new byte[8192];
    long read = 0;
    while (read <= limit) {
      int n = in.read(sink);
      if (n < 0) {
        return true;
      }
      read += n;
    }
    return false;
  }

  private void answer(Context ctx) {
    long declared = ctx.req().getContentLengthLong();
    byte[] body;
    try (InputStream in = ctx.req().getInputStream()) {
      body = in.readNBytes(AnswerForm.MAX_BYTES + 1);
      if (body.length > AnswerForm.MAX_BYTES || declared > AnswerForm.MAX_BYTES) {
        // Read a moderately oversized body to its end before answering: a reply sent while the
        // client is still writing makes the server reset the connection, and the client then sees
        // no answer at all instead of this 400. Bodies beyond the drain limit are cut off.
        if (!drained(in, OVERSIZED_DRAIN_BYTES)) {
          ctx.header("Connection", "close");
        }
        throw new AnswerForm.Invalid("form larger than " + AnswerForm.MAX_BYTES + " bytes");
      }
    } catch (IOException e) {
      throw new AnswerForm.Invalid("unreadable body");
    }
    AnswerForm form = AnswerForm.parse(ctx.header("Content-Type"), body);
    Optional<Participant> known = participant(ctx);
    // CSRF: the form must carry the token that only this participant's own page shows (SameSite=Strict
    // already keeps the cookie off cross-site posts; this also stops same-site forgeries).
    if (known.isEmpty() || !constantTimeEquals(known.get().csrf(), form.csrf())) {
      ctx.status(403).contentType("text/plain; charset=utf-8").result("forbidden: not this participant's form\n");
      return;
    }
    Participant p = known.get();
    if (!form.trial().equals(ctx.pathParam("trial"))) {
      throw new AnswerForm.Invalid("the form's trial is not the trial of its address");
    }
    StudyDatabase.Trial trial = trialOf(p, form.trial()).orElseThrow(() -> new AnswerForm.Invalid("unknown trial"));
    Map<String, Named> names = known(p);
    Set<Long> chosen = new LinkedHashSet<>();
    for (String id : form.choices()) {
      Named n = names.get(id);
      if (n == null || n.kind() != ParticipantIds.Kind.MAP || n.trial().id() != trial.id()) {
        throw new AnswerForm.Invalid("unknown choice");
      }
      chosen.add(n.mapId());
    }
    if (db.hasAnswered(p, trial.id())) {
      // A double submit or a resubmitted old page: the first answer counts; move on.
      ctx.redirect("/", io.javalin.http.HttpStatus.SEE_OTHER);
      return;
    }
    Optional<Presentation> next = db.nextTrial(p);
    if (next.isEmpty() || next.get().trial().id() != trial.id()) {
      ctx.status(409).contentType("text/plain; charset=utf-8")
          .result("conflict: this is not the image being shown; reload the study page\n");
      return;
    }
    // "Not sure" wins over boxes ticked before it was pressed; the choices were still checked above.
    db.answer(p, trial.id(), form.notSure() ? Set.of() : chosen, form.notSure());
    ctx.redirect("/", io.javalin.http.HttpStatus.SEE_OTHER);
  }

  private void image(Context ctx) {
    String file = ctx.pathParam("file");
    Optional<Participant> p = participant(ctx);
    Named n = p.isEmpty() || !IMAGE_PATH.matcher(file).matches() ? null : known(p.get()).get(file.substring(0, 32));
    if (n == null || n.kind() == ParticipantIds.Kind.TRIAL) {
      ctx.status(404).contentType("text/plain; charset=utf-8").result("not found\n");
      return;
    }
    ServedImages.TrialImages t = images.of(n.trial());
    ctx.header("Cache-Control", "private, max-age=86400");
    ctx.contentType("image/png").result(n.kind() == ParticipantIds.Kind.PICTURE ? t.picture() : t.maps().get(n.mapId()));
  }

  private static void resource(Context ctx, String name, String type) throws IOException {
    try (InputStream in = StudyServer.class.getResourceAsStream(name)) {
      ctx.contentType(type).result(in.readAllBytes());
    }
  }

  // ---- admin ----

  private void requireAdmin(Context ctx) {
    String given = ctx.queryParam("token");
    if (given == null) {
      given = ctx.header("X-Admin-Token");
    }
    if (given == null || !constantTimeEquals(adminToken, given)) {
      throw new io.javalin.http.ForbiddenResponse("forbidden: the admin token is missing or wrong");
    }
  }

  /** Compares secrets in time independent of where they differ (MessageDigest.isEqual). */
  static boolean constantTimeEquals(String expected, String given) {
    return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
  }

  private void adminPage(Context ctx) {
    requireAdmin(ctx);
    Map<String, Object> page = new HashMap<>();
    page.put("title", "Study admin");
    List<Map<String, Object>> perTrial = new ArrayList<>();
    db.answersPerTrial().forEach((image, n) -> perTrial.add(Map.of("image", image, "answers", n)));
    List<Map<String, Object>> perParticipant = new ArrayList<>();
    db.answersPerParticipant().forEach((id, n) -> perParticipant.add(Map.of("participant", id, "answers", n,
        "done", n == trials)));
    page.put("participantCount", perParticipant.size());
    page.put("notAnswered", db.participantsWithoutAnswers());
    page.put("trials", perTrial);
    page.put("participants", perParticipant);
    page.put("total", trials);
    page.put("answers", db.count("answer"));
    List<Map<String, Object>> provenance = new ArrayList<>();
    db.provenance().forEach((key, value) -> provenance.add(Map.of("key", key, "value", value)));
    page.put("provenance", provenance);
    page.put("token", adminToken);
    ctx.html(HtmlTemplate.render(PAGES + "admin.mustache", page));
  }

  private void export(Context ctx) {
    requireAdmin(ctx);
    ctx.header("Content-Disposition", "attachment; filename=\"answers.csv\"");
    ctx.contentType("text/csv; charset=utf-8").result(AnswersCsv.of(db.answeredMaps()));
  }

  /** Counts for tests and the command line. */
  Map<String, Integer> counts() {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (String table : List.of("participant", "shown", "answer", "choice")) {
      m.put(table, db.count(table));
    }
    return m;
  }
}
