package dev.sscam.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The study server against the attacks and accidents of issue 17 (items 5–7), over real HTTP on a real
 * SQLite file: what a page gives away, who counts as a participant, tokens across restarts, HEAD, a busy
 * port, and answers for a trial other than the one shown.
 */
class StudyHardeningTest {
  @TempDir Path tmp;

  private static List<String> mapUrls(String html) {
    List<String> urls = new ArrayList<>();
    Matcher m = Pattern.compile("<div class=\"map\">\\s*<button[^>]*><img src=\"(/img/[0-9a-f]{32}\\.png)\"").matcher(html);
    while (m.find()) {
      urls.add(m.group(1));
    }
    return urls;
  }

  private static int[] pixels(byte[] png) throws Exception {
    BufferedImage i = ImageIO.read(new ByteArrayInputStream(png));
    return i.getRGB(0, 0, i.getWidth(), i.getHeight(), null, 0, i.getWidth());
  }

  /** IHDR's width and height: bytes 16–23 of every PNG. */
  private static List<Integer> dimensions(byte[] png) {
    ByteBuffer b = ByteBuffer.wrap(png);
    return List.of(b.getInt(16), b.getInt(20));
  }

  @Test
  void mapsOfATrialHaveEqualLengthAndSizeAndTheirOwnPixels() throws Exception {
    Path study = TestStudies.copy(tmp);
    // On disk the methods' overlays differ in size (the leak the issue measured): check that this study shows it.
    Set<Integer> diskLengths = new HashSet<>();
    try (StudyDatabase db = StudyDatabase.open(study)) {
      for (StudyDatabase.MapImage m : db.maps(db.trials().get(0).id())) {
        diskLengths.add((int) Files.size(study.resolve(StudyCreation.IMAGES).resolve(m.publicId() + ".png")));
      }
    }
    assertThat(diskLengths).hasSizeGreaterThan(1);
    try (StudyServer server = StudyServer.start(study, "127.0.0.1", 0)) {
      HttpParticipant p = new HttpParticipant("http://127.0.0.1:" + server.port());
      for (HttpParticipant.Page page = p.page(); !page.done(); page = p.page()) {
        List<String> urls = mapUrls(page.html());
        assertThat(urls).hasSize(TestStudies.METHODS.size());
        Set<Integer> lengths = new HashSet<>();
        Set<List<Integer>> sizes = new HashSet<>();
        List<int[]> served = new ArrayList<>();
        for (String url : urls) {
          HttpResponse<byte[]> r = p.getBytes(url);
          assertThat(r.statusCode()).isEqualTo(200);
          assertThat(r.headers().firstValueAsLong("Content-Length").orElse(r.body().length)).isEqualTo(r.body().length);
          assertThat(PngChunks.of(r.body())).containsOnly("IHDR", "IDAT", "IEND");
          lengths.add(r.body().length);
          sizes.add(dimensions(r.body()));
          served.add(pixels(r.body()));
        }
        assertThat(lengths).as("byte lengths of one trial's maps").hasSize(1);
        assertThat(sizes).as("dimensions of one trial's maps").hasSize(1);
        // The padding changes no pixel: each served map decodes to exactly an overlay written at creation.
        try (StudyDatabase db = StudyDatabase.open(study)) {
          List<int[]> onDisk = new ArrayList<>();
          for (StudyDatabase.MapImage m : db.trials().stream().flatMap(t -> db.maps(t.id()).stream()).toList()) {
            onDisk.add(pixels(Files.readAllBytes(study.resolve(StudyCreation.IMAGES).resolve(m.publicId() + ".png"))));
          }
          for (int[] s : served) {
            assertThat(onDisk).anySatisfy(d -> assertThat(d).isEqualTo(s));
          }
        }
        p.answer(page, 0);
      }
    }
  }

  /**
   * Timing: a trial's maps are read and padded before its page goes out, and served from memory, so no map
   * waits on the disk because it is asked for first. Shown by taking the image folder away after the page:
   * every map of that trial still comes, with the same length.
   */
  @Test
  void mapsAreServedFromMemoryPreparedBeforeThePage() throws Exception {
    Path study = TestStudies.copy(tmp);
    try (StudyServer server = StudyServer.start(study, "127.0.0.1", 0)) {
      HttpParticipant p = new HttpParticipant("http://127.0.0.1:" + server.port());
      HttpParticipant.Page page = p.page();
      Files.move(study.resolve(StudyCreation.IMAGES), tmp.resolve("away"));
      Set<Integer> lengths = new HashSet<>();
      for (String url : mapUrls(page.html())) {
        HttpResponse<byte[]> r = p.getBytes(url);
        assertThat(r.statusCode()).isEqualTo(200);
        lengths.add(r.body().length);
      }
      assertThat(lengths).hasSize(1);
    }
  }

  @Test
  void everyParticipantHasTheirOwnIds() throws Exception {
    Path study = TestStudies.copy(tmp);
    try (StudyServer server = StudyServer.start(study, "127.0.0.1", 0)) {
      String base = "http://127.0.0.1:" + server.port();
      HttpParticipant a = new HttpParticipant(base);
      HttpParticipant b = new HttpParticipant(base);
      Set<String> idsA = new HashSet<>();
      Set<String> idsB = new HashSet<>();
      List<String> imagesA = new ArrayList<>();
      for (HttpParticipant.Page page = a.page(); !page.done(); page = a.page()) {
        idsA.add(page.trial());
        idsA.addAll(page.choices());
        imagesA.addAll(mapUrls(page.html()));
        a.answer(page, 0);
      }
      for (HttpParticipant.Page page = b.page(); !page.done(); page = b.page()) {
        idsB.add(page.trial());
        idsB.addAll(page.choices());
        b.answer(page, 0);
      }
      assertThat(idsA).hasSize(TestStudies.IMAGES * (1 + TestStudies.METHODS.size()));
      assertThat(idsB).hasSize(idsA.size());
      assertThat(idsA).doesNotContainAnyElementsOf(idsB);
      // an id is good only with its participant's cookie: another browser (or none) gets 404
      for (String url : imagesA) {
        assertThat(a.getBytes(url).statusCode()).isEqualTo(200);
        assertThat(b.getBytes(url).statusCode()).isEqualTo(404);
        assertThat(new HttpParticipant(base).getBytes(url).statusCode()).isEqualTo(404);
      }
      // the answers are still stored against the right maps: each participant chose position A every time
      try (StudyDatabase db = StudyDatabase.open(study)) {
        assertThat(HumanTrust.answers(db.answeredMaps())).hasSize(2 * TestStudies.IMAGES)
            .allSatisfy(x -> assertThat(x.chosen()).containsExactly(0));
      }
    }
  }

  @Test
  void visitorsWhoNeverStartAreNoParticipants() throws Exception {
    Path study = TestStudies.copy(tmp);
    try (StudyServer server = StudyServer.start(study, "127.0.0.1", 0)) {
      String base = "http://127.0.0.1:" + server.port();
      // a crawler, a link preview, a screenshot tool: cookie-less GETs of every page
      for (int i = 0; i < 10; i++) {
        HttpParticipant crawler = new HttpParticipant(base);
        HttpResponse<String> home = crawler.get("/");
        assertThat(home.statusCode()).isEqualTo(200);
        assertThat(home.body()).contains("action=\"/start\"").contains(TestStudies.IMAGES + " images");
        assertThat(home.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(crawler.get("/trial/" + "a".repeat(32)).statusCode()).isEqualTo(303);
        assertThat(crawler.get("/img/" + "a".repeat(32) + ".png").statusCode()).isEqualTo(404);
      }
      assertThat(server.counts().get("participant")).isZero();
      assertThat(server.counts().get("shown")).isZero();
      // one who presses Start and leaves is in no count; one who answers is
      HttpParticipant leaver = new HttpParticipant(base);
      leaver.page();
      HttpParticipant answerer = new HttpParticipant(base);
      answerer.answer(answerer.page(), 1);
      String admin = answerer.get("/admin?token=" + server.adminToken()).body();
      assertThat(admin).contains("1 participants have answered; 1 more pressed Start but have not answered yet");
      try (StudyDatabase db = StudyDatabase.open(study)) {
        assertThat(db.answersPerParticipant()).hasSize(1);
        assertThat(StudyReport.of(db).markdown()).contains("participants who answered: 1 (0 finished every trial)");
      }
    }
  }

  @Test
  void newParticipantsAreLimitedPerAddress() throws Exception {
    Path study = TestStudies.copy(tmp);
    try (StudyServer server = StudyServer.start(study, "127.0.0.1", 0, new NewParticipantLimit(2, Duration.ofHours(1)))) {
      String base = "http://127.0.0.1:" + server.port();
      assertThat(new HttpParticipant(base).start().statusCode()).isEqualTo(303);
      HttpParticipant second = new HttpParticipant(base);
      assertThat(second.start().statusCode()).isEqualTo(303);
      // pressing Start again with a cookie is no new participant (and does not use up the limit)
      assertThat(second.start().statusCode()).isEqualTo(303);
      HttpResponse<String> third = new HttpParticipant(base).start();
      assertThat(third.statusCode()).isEqualTo(429);
      assertThat(third.body()).contains("too many new participants from this address");
      assertThat(server.counts().get("participant")).isEqualTo(2);
      // a start posted from another site is refused outright
      HttpResponse<String> forged = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/start"))
          .header("Sec-Fetch-Site", "cross-site").POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(forged.statusCode()).isEqualTo(403);
    }
    // the window slides: after it, the same address may start again
    long[] now = {0};
    NewParticipantLimit limit = new NewParticipantLimit(1, Duration.ofMinutes(10), () -> now[0]);
    assertThat(limit.tryStart("a")).isTrue();
    assertThat(limit.tryStart("a")).isFalse();
    assertThat(limit.tryStart("b")).isTrue();
    now[0] = Duration.ofMinutes(10).toNanos();
    assertThat(limit.tryStart("a")).isTrue();
  }

  @Test
  void theAdminTokenSurvivesARestart() throws Exception {
    Path study = TestStudies.copy(tmp);
    String token;
    String adminUrl;
    try (StudyServer server = StudyServer.start(study, "127.0.0.1", 0)) {
      token = server.adminToken();
      adminUrl = server.adminUrl("127.0.0.1");
    }
    assertThat(token).matches("[0-9a-f]{64}");
    try (StudyServer again = StudyServer.start(study, "127.0.0.1", 0)) {
      assertThat(again.adminToken()).isEqualTo(token);
      // the old link works once the port is the same: only the port part of the URL may differ
      String sameLink = adminUrl.replaceFirst(":\\d+/", ":" + again.port() + "/");
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(sameLink)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
    }
    // the token is no provenance: it is in neither the admin's provenance table nor the report
    try (StudyDatabase db = StudyDatabase.open(study)) {
      assertThat(db.provenance().values()).doesNotContain(token);
      assertThat(StudyReport.of(db).markdown()).doesNotContain(token);
    }
  }

  @Test
  void headIsRefusedLikeGet() throws Exception {
    Path study = TestStudies.copy(tmp);
    try (StudyServer server = StudyServer.start(study, "127.0.0.1", 0)) {
      String base = "http://127.0.0.1:" + server.port();
      HttpClient client = HttpClient.newHttpClient();
      for (String path : List.of("/admin", "/admin/answers.csv", "/admin?token=" + "0".repeat(64))) {
        assertThat(head(client, base + path)).as("HEAD " + path).isEqualTo(403);
      }
      for (String path : List.of("/img/" + "0".repeat(32) + ".png", "/img/x", "/nothing")) {
        assertThat(head(client, base + path)).as("HEAD " + path).isEqualTo(404);
      }
      assertThat(head(client, base + "/admin?token=" + server.adminToken())).isEqualTo(200);
      assertThat(head(client, base + "/")).isEqualTo(200);
    }
  }

  private static int head(HttpClient client, String url) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(url)).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void aBusyPortIsOneClearError() throws Exception {
    Path study = TestStudies.copy(tmp);
    try (ServerSocket busy = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> StudyServer.start(study, "127.0.0.1", busy.getLocalPort()))
          .isInstanceOf(StudyServer.PortInUse.class)
          .hasMessage("port " + busy.getLocalPort() + " is in use");
    }
    // the database was closed again: the study opens and serves as usual
    try (StudyServer server = StudyServer.start(study, "127.0.0.1", 0)) {
      assertThat(server.port()).isPositive();
    }
  }

  @Test
  void anAnswerCountsOnlyForTheTrialBeingShown() throws Exception {
    Path study = TestStudies.copy(tmp);
    try (StudyServer server = StudyServer.start(study, "127.0.0.1", 0)) {
      HttpParticipant p = new HttpParticipant("http://127.0.0.1:" + server.port());
      HttpParticipant.Page first = p.page();
      // the id this participant would see for a later trial: computed as the server does, from the study's key
      String later;
      try (StudyDatabase db = StudyDatabase.open(study)) {
        String token = ((java.net.CookieManager) p.client.cookieHandler().orElseThrow()).getCookieStore().getCookies()
            .get(0).getValue();
        StudyDatabase.Participant who = db.participant(token).orElseThrow();
        ParticipantIds ids = new ParticipantIds(db.secret(StudyServer.ID_KEY));
        StudyDatabase.Presentation shown = db.nextTrial(who).orElseThrow();
        long other = db.trials().stream().filter(t -> t.id() != shown.trial().id()).findFirst().orElseThrow().id();
        later = ids.of(who.id(), ParticipantIds.Kind.TRIAL, other);
        assertThat(first.trial()).isEqualTo(ids.of(who.id(), ParticipantIds.Kind.TRIAL, shown.trial().id()));
      }
      // a later trial's page is not shown: the browser is sent on to the current one
      assertThat(p.get("/trial/" + later).statusCode()).isEqualTo(303);
      HttpResponse<String> r = p.post("/answer/" + later, "application/x-www-form-urlencoded",
          HttpParticipant.encode("csrf", first.csrf(), "trial", later, "action", "not-sure"));
      assertThat(r.statusCode()).isEqualTo(409);
      // the form's trial must be the trial of the address it is posted to
      HttpResponse<String> mixed = p.post("/answer/" + later, "application/x-www-form-urlencoded",
          HttpParticipant.encode("csrf", first.csrf(), "trial", first.trial(), "action", "not-sure"));
      assertThat(mixed.statusCode()).isEqualTo(400);
      assertThat(server.counts().get("answer")).isZero();
      assertThat(p.answer(first, 2).statusCode()).isEqualTo(303);
      assertThat(server.counts().get("answer")).isEqualTo(1);
    }
  }
}
