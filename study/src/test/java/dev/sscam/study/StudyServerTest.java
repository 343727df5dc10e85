package dev.sscam.study;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The study server over real HTTP: blind, idempotent, validated, CSRF- and token-protected, concurrent. */
class StudyServerTest {
  @TempDir Path tmp;
  Path study;
  StudyServer server;
  String base;

  @BeforeEach
  void start() throws Exception {
    study = TestStudies.copy(tmp);
    server = StudyServer.start(study, "127.0.0.1", 0);
    base = "http://127.0.0.1:" + server.port();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private int rows(String table) {
    return server.counts().get(table);
  }

  /** Words that would tell a participant which method made a map. */
  private static List<String> hints() {
    List<String> h = new ArrayList<>(List.of("grad", "cam", "smooth", "score", "++"));
    for (Path p : TestStudies.images()) {
      h.add(p.getFileName().toString());
      h.add(p.getFileName().toString().replace(".JPEG", ""));
    }
    return h;
  }

  @Test
  void pageIsBlindInHtmlUrlsHeadersAndImages() throws Exception {
    HttpParticipant p = new HttpParticipant(base);
    HttpResponse<String> r = p.page().response();
    assertThat(r.statusCode()).isEqualTo(200);
    String html = r.body().toLowerCase(java.util.Locale.ROOT);
    for (String hint : hints()) {
      assertThat(html).doesNotContain(hint.toLowerCase(java.util.Locale.ROOT));
      r.headers().map().forEach((k, v) -> assertThat(k + ": " + v).doesNotContainIgnoringCase(hint));
    }
    Matcher img = Pattern.compile("src=\"(/img/[^\"]+)\"").matcher(r.body());
    Set<String> urls = new java.util.LinkedHashSet<>();
    while (img.find()) {
      urls.add(img.group(1));
    }
    int images = 0;
    for (String url : urls) {
      assertThat(url).matches("/img/[0-9a-f]{32}\\.png");
      HttpResponse<byte[]> png = p.getBytes(url);
      assertThat(png.statusCode()).isEqualTo(200);
      assertThat(PngChunks.of(png.body())).containsOnly("IHDR", "IDAT", "IEND");
      // No text chunk can hold a name (checked above); nor do the compressed bytes spell one out. Only
      // whole ids are searched: short words like "cam" occur in compressed data by chance.
      String bytes = new String(png.body(), java.nio.charset.StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
      for (String id : TestStudies.METHODS) {
        assertThat(bytes).doesNotContain(id);
      }
      for (String hint : hints()) {
        png.headers().map().forEach((k, v) -> assertThat(k + ": " + v).doesNotContainIgnoringCase(hint));
      }
      images++;
    }
    assertThat(images).isEqualTo(1 + TestStudies.METHODS.size());
    // The JS and CSS are the same for everyone; they name no method either.
    for (String asset : List.of("/study.js", "/study.css")) {
      String body = p.get(asset).body().toLowerCase(java.util.Locale.ROOT);
      assertThat(body).doesNotContain("grad").doesNotContain("score-").doesNotContain("smooth");
    }
    // Every overlay file in the study folder is named by an opaque id only.
    try (var files = Files.list(study.resolve(StudyCreation.IMAGES))) {
      assertThat(files.map(f -> f.getFileName().toString()).toList()).allMatch(f -> f.matches("[0-9a-f]{32}\\.png"));
    }
    assertThat(p.get("/img/../study.db").statusCode()).isEqualTo(404);
    assertThat(p.get("/img/" + "0".repeat(32) + ".png").statusCode()).isEqualTo(404);
  }

  @Test
  void answersAreStoredOnceWhateverIsResubmitted() throws Exception {
    HttpParticipant p = new HttpParticipant(base);
    HttpParticipant.Page first = p.page();
    assertThat(first.html()).contains("Image 1 of 3");
    HttpResponse<String> r = p.answer(first, 0);
    assertThat(r.statusCode()).isEqualTo(303);
    assertThat(rows("answer")).isEqualTo(1);
    // double submit, and the back button then a different answer to the same trial: the first counts
    assertThat(p.answer(first, 0).statusCode()).isEqualTo(303);
    assertThat(p.answer(first, 1, 2).statusCode()).isEqualTo(303);
    assertThat(p.answer(first).statusCode()).isEqualTo(303);
    assertThat(rows("answer")).isEqualTo(1);
    assertThat(rows("choice")).isEqualTo(1);
    // a refresh shows the next trial, and the progress moved
    HttpParticipant.Page second = p.page();
    assertThat(second.trial()).isNotEqualTo(first.trial());
    assertThat(second.html()).contains("Image 2 of 3");
    p.answer(second, 0, 2);
    p.answer(p.page());
    HttpParticipant.Page done = p.page();
    assertThat(done.done()).isTrue();
    assertThat(done.html()).contains("3 of 3 answered");
    assertThat(rows("answer")).isEqualTo(3);
    assertThat(rows("choice")).isEqualTo(3);
  }

  @Test
  void participantCanLeaveAndComeBack() throws Exception {
    HttpParticipant p = new HttpParticipant(base);
    p.answer(p.page(), 1);
    HttpParticipant.Page before = p.page();
    server.close();
    server = StudyServer.start(study, "127.0.0.1", 0);
    // the same browser (cookie) continues where it stopped, on the restarted server
    String cookie = ((java.net.CookieManager) p.client.cookieHandler().orElseThrow()).getCookieStore().getCookies().get(0).getValue();
    java.net.http.HttpClient fresh = java.net.http.HttpClient.newBuilder().followRedirects(java.net.http.HttpClient.Redirect.NORMAL).build();
    HttpResponse<String> r = fresh.send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + server.port() + "/")).header("Cookie", StudyServer.COOKIE + "=" + cookie).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.body()).contains("Image 2 of 3").contains(before.trial());
  }

  @Test
  void everyBadPostIs400() throws Exception {
    HttpParticipant p = new HttpParticipant(base);
    HttpParticipant.Page page = p.page();
    String c = page.csrf();
    String t = page.trial();
    String m = page.choices().get(0);
    List<HttpResponse<String>> bad = List.of(
        p.form("csrf", c, "trial", "0".repeat(32), "action", "submit", "choice", m),         // unknown trial
        p.form("csrf", c, "trial", t, "action", "submit", "choice", "f".repeat(32)),          // unknown choice
        p.form("csrf", c, "trial", t, "action", "submit", "choice", m, "choice", m),          // chosen twice
        p.form("csrf", c, "trial", t, "action", "submit"),                                    // nothing chosen
        p.form("csrf", c, "trial", t, "action", "maybe", "choice", m),                        // unknown action
        p.form("csrf", c, "action", "submit", "choice", m),                                   // no trial
        p.form("csrf", c, "trial", t, "trial", t, "action", "submit", "choice", m),           // two trials
        p.form("csrf", c, "trial", t, "action", "submit", "choice", m, "extra", "1"),         // unknown field
        p.post("application/json", "{\"trial\":\"" + t + "\"}"),                             // wrong type
        p.post(null, HttpParticipant.encode("csrf", c, "trial", t, "action", "submit", "choice", m)),
        p.post("application/x-www-form-urlencoded", "csrf=" + c + "&trial=%zz&action=submit"), // bad encoding
        p.post("application/x-www-form-urlencoded", "csrf=" + c + "&trial=" + t + "&choice=" + "a".repeat(20_000)),
        // far larger: read to its end all the same, so the 400 arrives instead of a reset connection
        p.post("application/x-www-form-urlencoded", "csrf=" + c + "&trial=" + t + "&choice=" + "a".repeat(200_000)));
    for (HttpResponse<String> r : bad) {
      assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    }
    assertThat(rows("answer")).isZero();
  }

  @Test
  void answersNeedTheParticipantsCsrfToken() throws Exception {
    HttpParticipant p = new HttpParticipant(base);
    HttpParticipant.Page page = p.page();
    HttpParticipant other = new HttpParticipant(base);
    HttpParticipant.Page otherPage = other.page();
    // a forged form without the token, with another participant's token, or without the cookie
    assertThat(p.form("csrf", "x", "trial", page.trial(), "action", "submit", "choice", page.choices().get(0))
        .statusCode()).isEqualTo(403);
    assertThat(p.form("csrf", otherPage.csrf(), "trial", page.trial(), "action", "submit", "choice",
        page.choices().get(0)).statusCode()).isEqualTo(403);
    HttpParticipant stranger = new HttpParticipant(base);
    assertThat(stranger.answer(page, 0).statusCode()).isEqualTo(403);
    assertThat(rows("answer")).isZero();
    assertThat(p.answer(page, 0).statusCode()).isEqualTo(303);
    assertThat(rows("answer")).isEqualTo(1);
  }

  @Test
  void adminNeedsTheToken() throws Exception {
    HttpParticipant p = new HttpParticipant(base);
    p.answer(p.page(), 0);
    for (String path : List.of("/admin", "/admin/answers.csv")) {
      assertThat(p.get(path).statusCode()).isEqualTo(403);
      assertThat(p.get(path + "?token=").statusCode()).isEqualTo(403);
      assertThat(p.get(path + "?token=" + "0".repeat(64)).statusCode()).isEqualTo(403);
      assertThat(p.get(path + "?token=" + server.adminToken().substring(1)).statusCode()).isEqualTo(403);
      assertThat(p.get(path + "?token=" + server.adminToken()).statusCode()).isEqualTo(200);
    }
    String admin = p.get("/admin?token=" + server.adminToken()).body();
    assertThat(admin).contains("1 answers").contains("answers.csv");
    String csv = p.get("/admin/answers.csv?token=" + server.adminToken()).body();
    assertThat(csv.lines().count()).isEqualTo(1 + TestStudies.METHODS.size());
    assertThat(csv.lines().skip(1).filter(l -> l.split(",")[5].equals("1")).count()).isEqualTo(1);
    assertThat(StudyServer.constantTimeEquals("abc", "abc")).isTrue();
    assertThat(StudyServer.constantTimeEquals("abc", "abd")).isFalse();
    assertThat(StudyServer.constantTimeEquals("abc", "ab")).isFalse();
  }

  @Test
  void injectionStringsAreJustData() throws Exception {
    List<String> attacks = List.of("' OR '1'='1", "1; DROP TABLE answer; --", "\" OR 1=1 --",
        "x'); DELETE FROM participant; --", "1 UNION SELECT token FROM participant");
    HttpParticipant p = new HttpParticipant(base);
    HttpParticipant.Page page = p.page();
    p.answer(page, 0);
    int participants = rows("participant");
    for (String a : attacks) {
      assertThat(p.form("csrf", page.csrf(), "trial", a, "action", "submit", "choice", page.choices().get(0))
          .statusCode()).isEqualTo(400);
      HttpParticipant.Page next = p.page();
      assertThat(p.form("csrf", next.csrf(), "trial", next.trial(), "action", "submit", "choice", a)
          .statusCode()).isEqualTo(400);
      assertThat(p.form("csrf", a, "trial", next.trial(), "action", "submit", "choice", next.choices().get(0))
          .statusCode()).isEqualTo(403);
      assertThat(p.get("/admin?token=" + java.net.URLEncoder.encode(a, java.nio.charset.StandardCharsets.UTF_8))
          .statusCode()).isEqualTo(403);
      assertThat(p.get("/img/" + java.net.URLEncoder.encode(a, java.nio.charset.StandardCharsets.UTF_8))
          .statusCode()).isEqualTo(404);
      // a forged cookie is just an unknown visitor: the start page, and nothing is written
      HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/"))
          .header("Cookie", StudyServer.COOKIE + "=" + java.net.URLEncoder.encode(a, java.nio.charset.StandardCharsets.UTF_8))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
    }
    assertThat(rows("answer")).isEqualTo(1);
    assertThat(rows("participant")).isEqualTo(participants);
    try (StudyDatabase db = StudyDatabase.open(study)) {
      assertThat(db.count("trial")).isEqualTo(TestStudies.IMAGES);
      assertThat(db.methods()).containsExactlyElementsOf(TestStudies.METHODS);
    }
  }

  @Test
  void twentyConcurrentParticipantsGiveExactlyTheExpectedRows() throws Exception {
    int n = 20;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    List<Future<List<String>>> orders = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        int who = i;
        Callable<List<String>> participant = () -> {
          HttpParticipant p = new HttpParticipant(base);
          List<String> seen = new ArrayList<>();
          for (HttpParticipant.Page page = p.page(); !page.done(); page = p.page()) {
            seen.add(page.trial() + ":" + String.join(",", page.choices()));
            // every other participant double-submits; choices depend on who and which trial
            int pick = (who + seen.size()) % page.choices().size();
            if (who % 5 == 4) {
              p.answer(page);
            } else {
              p.answer(page, pick);
            }
            if (who % 2 == 0) {
              p.answer(page, (pick + 1) % page.choices().size());
            }
          }
          return seen;
        };
        orders.add(pool.submit(participant));
      }
      Set<List<String>> distinct = new HashSet<>();
      for (Future<List<String>> f : orders) {
        List<String> seen = f.get();
        assertThat(seen).hasSize(TestStudies.IMAGES);
        distinct.add(seen);
      }
      // two participants see different orders (20 draws of 3! trial orders x (3!)^3 map orders all equal: ~1e-80)
      assertThat(distinct.size()).isGreaterThan(1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(rows("participant")).isEqualTo(n);
    assertThat(rows("answer")).isEqualTo(n * TestStudies.IMAGES);
    // participants 4, 9, 14, 19 said "not sure" every time; the others chose one map per trial
    assertThat(rows("choice")).isEqualTo((n - 4) * TestStudies.IMAGES);
    try (StudyDatabase db = StudyDatabase.open(study)) {
      assertThat(db.count("shown")).isEqualTo(n * TestStudies.IMAGES * TestStudies.METHODS.size());
      StudyReport report = StudyReport.of(db);
      assertThat(report.table().answerCount()).isEqualTo(n * TestStudies.IMAGES);
      assertThat(report.table().notSureCount()).isEqualTo(4 * TestStudies.IMAGES);
      // each answer is normalised to 1: the shares add up to 100 %
      double total = report.table().shares().values().stream().mapToDouble(s -> s.mean()).sum();
      assertThat(total).isCloseTo(100.0, org.assertj.core.api.Assertions.within(1e-9));
      assertThat(report.table().kappa().subjects()).isEqualTo(TestStudies.IMAGES);
      assertThat(report.markdown()).contains("κ = ").contains("participants who answered: 20 (20 finished every trial)")
          .contains("bootstrap 95% interval over participants [").doesNotContain("Warning: too few participants")
          .contains("answers: 60 (12 \"not sure\")");
    }
  }

  @Test
  void databaseIsWalWithForeignKeysAndVersionedSchema() {
    try (StudyDatabase db = StudyDatabase.open(study)) {
      assertThat(db.pragma("journal_mode")).isEqualToIgnoringCase("wal");
      assertThat(db.pragma("foreign_keys")).isEqualTo("1");
      assertThat(db.schemaVersion()).isEqualTo(Schema.latest());
      Map<String, String> prov = db.provenance();
      assertThat(prov).containsKeys("model_sha256", "methods", "options", "seed");
      assertThat(prov.get("methods")).isEqualTo(String.join(",", TestStudies.METHODS));
      assertThat(prov.get("options")).contains("\"samples\":35").contains("\"seed\":3");
      assertThat(prov.get("model_sha256")).matches("[0-9a-f]{64}");
      assertThat(db.count("map")).isEqualTo(TestStudies.IMAGES * TestStudies.METHODS.size());
    }
  }
}
