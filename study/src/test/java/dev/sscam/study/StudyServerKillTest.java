package dev.sscam.study;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 of the server process mid-study loses no answer that was confirmed to the browser. */
class StudyServerKillTest {
  @TempDir Path tmp;

  @Test
  void killMinus9LosesNoStoredAnswer() throws Exception {
    Path study = TestStudies.copy(tmp);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        StudyServerChild.class.getName(), study.toString()).redirectErrorStream(true).start();
    List<HttpParticipant> participants = new ArrayList<>();
    int confirmed = 0;
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = out.readLine()) != null && !line.startsWith("PORT ")) {
        // skip any log lines before the port
      }
      assertThat(line).as("child server printed its port").isNotNull();
      String base = "http://127.0.0.1:" + line.substring(5).trim();
      for (int i = 0; i < 5; i++) {
        HttpParticipant p = new HttpParticipant(base);
        participants.add(p);
        for (int t = 0; t < 2; t++) {
          if (p.answer(p.page(), t % 3).statusCode() == 303) {
            confirmed++;
          }
        }
      }
    } finally {
      child.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no close, no checkpoint
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(child.exitValue()).isEqualTo(137);
    assertThat(confirmed).isEqualTo(10);
    try (StudyServer again = StudyServer.start(study, "127.0.0.1", 0)) {
      assertThat(again.counts().get("answer")).isEqualTo(confirmed);
      assertThat(again.counts().get("participant")).isEqualTo(5);
      // each participant continues where they stopped: on their third and last trial
      for (HttpParticipant p : participants) {
        String token = ((CookieManager) p.client.cookieHandler().orElseThrow()).getCookieStore().getCookies().get(0).getValue();
        HttpResponse<String> r = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + again.port() + "/")).header("Cookie", StudyServer.COOKIE + "=" + token).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(r.body()).contains("Image 3 of 3");
      }
    }
  }
}
