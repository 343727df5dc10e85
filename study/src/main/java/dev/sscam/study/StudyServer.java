package dev.sscam.study;

import dev.sscam.SscamException;
import dev.sscam.render.HtmlTemplate;
import dev.sscam.study.StudyDatabase.MapImage;
import dev.sscam.study.StudyDatabase.Participant;
import dev.sscam.study.StudyDatabase.Presentation;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import java.util.regex.Pattern;

/**
 * {@code sscam study serve}: the study as a web page (Javalin on Jetty). A participant gets an anonymous
 * random token in a cookie and a fresh random order of trials and maps (stored); each answer is validated,
 * CSRF-checked and committed in one transaction before the page moves on. The admin page and the CSV
 * export need the admin token (403 without it; compared in constant time).
 *
 * <p>Blind: the browser sees only random ids (pictures, overlays, trials), the letters A, B, … and the
 * class the model predicted; never a method name, file name or position in the method table.
 */
public final class StudyServer implements AutoCloseable {
  /** The participant cookie. */
  public static final String COOKIE = "participant";

  private static final Pattern IMAGE_PATH = Pattern.compile("[0-9a-f]{32}\\.png");
  private static final String PAGES = "dev/sscam/study/";
  private static final String LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

  private final Path studyDir;
  private final StudyDatabase db;
  private final String adminToken;
  private final int trials;
  private final Javalin app;

  private StudyServer(Path studyDir, StudyDatabase db, String adminToken, String host, int port) {
    this.studyDir = studyDir;
    this.db = db;
    this.adminToken = adminToken;
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
      config.routes.get("/", this::trialPage);
      config.routes.post("/answer", this::answer);
      config.routes.get("/img/{file}", this::image);
      config.routes.get("/study.js", ctx -> resource(ctx, "study.js", "text/javascript; charset=utf-8"));
      config.routes.get("/study.css", ctx -> resource(ctx, "study.css", "text/css; charset=utf-8"));
      config.routes.get("/admin", this::adminPage);
      config.routes.get("/admin/answers.csv", this::export);
      config.routes.exception(HttpResponseException.class, (e, ctx) ->
          ctx.status(e.getStatus()).contentType("text/plain; charset=utf-8").result(e.getMessage() + "\n"));
      config.routes.exception(AnswerForm.Invalid.class, (e, ctx) ->
          ctx.status(400).contentType("text/plain; charset=utf-8").result("bad request: " + e.getMessage() + "\n"));
    });
    app.start(host, port);
  }

  /**
   * Serves the study in {@code studyDir} on {@code host}:{@code port} (port 0: any free port) with a fresh
   * random admin token.
   */
  public static StudyServer start(Path studyDir, String host, int port) {
    StudyDatabase db = StudyDatabase.open(studyDir);
    try {
      return new StudyServer(studyDir, db, StudyDatabase.randomId(32), host, port);
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

  /** The admin token of this run. */
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

  private Participant participant(Context ctx) {
    String token = ctx.cookie(COOKIE);
    Optional<Participant> known = token == null ? Optional.empty() : db.participant(token);
    if (known.isPresent()) {
      return known.get();
    }
    Participant p = db.newParticipant();
    ctx.header("Set-Cookie", COOKIE + "=" + p.token() + "; Path=/; Max-Age=31536000; HttpOnly; SameSite=Strict");
    return p;
  }

  private void trialPage(Context ctx) {
    Participant p = participant(ctx);
    int answered = db.answered(p);
    Optional<Presentation> next = db.nextTrial(p);
    Map<String, Object> page = new HashMap<>();
    page.put("title", "Which map explains the object?");
    page.put("answered", answered);
    page.put("total", trials);
    if (next.isEmpty()) {
      ctx.html(HtmlTemplate.render(PAGES + "done.mustache", page));
      return;
    }
    Presentation t = next.get();
    List<Map<String, Object>> maps = new ArrayList<>();
    for (int i = 0; i < t.maps().size(); i++) {
      maps.add(Map.of("letter", String.valueOf(LETTERS.charAt(i)), "key", i < 9 ? String.valueOf(i + 1) : "",
          "id", t.maps().get(i).publicId()));
    }
    page.put("number", answered + 1);
    page.put("trial", t.trial().publicId());
    page.put("picture", t.trial().pictureId());
    page.put("label", t.trial().label());
    page.put("csrf", p.csrf());
    page.put("maps", maps);
    ctx.html(HtmlTemplate.render(PAGES + "trial.mustache", page));
  }

  private void answer(Context ctx) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > AnswerForm.MAX_BYTES) {
      throw new AnswerForm.Invalid("form larger than " + AnswerForm.MAX_BYTES + " bytes");
    }
    byte[] body;
    try (InputStream in = ctx.req().getInputStream()) {
      body = in.readNBytes(AnswerForm.MAX_BYTES + 1);
    } catch (IOException e) {
      throw new AnswerForm.Invalid("unreadable body");
    }
    AnswerForm form = AnswerForm.parse(ctx.header("Content-Type"), body);
    String token = ctx.cookie(COOKIE);
    Optional<Participant> known = token == null ? Optional.empty() : db.participant(token);
    // CSRF: the form must carry the token that only this participant's own page shows (SameSite=Strict
    // already keeps the cookie off cross-site posts; this also stops same-site forgeries).
    if (known.isEmpty() || !constantTimeEquals(known.get().csrf(), form.csrf())) {
      ctx.status(403).contentType("text/plain; charset=utf-8").result("forbidden: not this participant's form\n");
      return;
    }
    Participant p = known.get();
    Presentation t = db.presentation(p, form.trial())
        .orElseThrow(() -> new AnswerForm.Invalid("unknown trial"));
    Set<Long> chosen = new LinkedHashSet<>();
    for (String id : form.choices()) {
      MapImage m = t.maps().stream().filter(x -> x.publicId().equals(id)).findFirst()
          .orElseThrow(() -> new AnswerForm.Invalid("unknown choice"));
      chosen.add(m.id());
    }
    // "Not sure" wins over boxes ticked before it was pressed; the choices were still checked above.
    db.answer(p, t.trial().id(), form.notSure() ? Set.of() : chosen, form.notSure());
    ctx.redirect("/", io.javalin.http.HttpStatus.SEE_OTHER);
  }

  private void image(Context ctx) {
    String file = ctx.pathParam("file");
    if (!IMAGE_PATH.matcher(file).matches() || !db.isImage(file.substring(0, 32))) {
      ctx.status(404).contentType("text/plain; charset=utf-8").result("not found\n");
      return;
    }
    try {
      ctx.header("Cache-Control", "private, max-age=86400");
      ctx.contentType("image/png").result(Files.readAllBytes(studyDir.resolve(StudyCreation.IMAGES).resolve(file)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
    for (String table : List.of("participant", "answer", "choice")) {
      m.put(table, db.count(table));
    }
    return m;
  }
}
