package dev.sscam.study;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A simulated participant over real HTTP: its own cookie jar; presses Start when the study shows its start
 * page, follows the redirects to the current trial's page, posts answers to that trial's address.
 */
final class HttpParticipant {
  private static final Pattern HIDDEN = Pattern.compile("name=\"(csrf|trial)\" value=\"([^\"]*)\"");
  private static final Pattern CHOICE = Pattern.compile("name=\"choice\" value=\"([0-9a-f]+)\"");

  final String base;
  final HttpClient client;

  /** The trial page as parsed: its form's tokens and the map ids in the order shown (A, B, …). */
  record Page(HttpResponse<String> response, String html, String csrf, String trial, List<String> choices) {
    boolean done() {
      return trial == null;
    }
  }

  HttpParticipant(String base) {
    this.base = base;
    this.client = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<byte[]> getBytes(String path) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Presses Start: POST /start (a new participant, unless this client has one). */
  HttpResponse<String> start() throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(URI.create(base + "/start")).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** GET {@code path}, following this study's redirects (at most five). */
  HttpResponse<String> follow(String path) throws IOException, InterruptedException {
    HttpResponse<String> r = get(path);
    for (int i = 0; i < 5 && r.statusCode() == 303; i++) {
      r = get(r.headers().firstValue("Location").orElseThrow());
    }
    return r;
  }

  /** The page the participant is on: their current trial, or the end page; starts first if need be. */
  Page page() throws IOException, InterruptedException {
    HttpResponse<String> r = follow("/");
    if (r.statusCode() == 200 && r.body().contains("action=\"/start\"")) {
      start();
      r = follow("/");
    }
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET / gave " + r.statusCode());
    }
    String csrf = null;
    String trial = null;
    Matcher m = HIDDEN.matcher(r.body());
    while (m.find()) {
      if (m.group(1).equals("csrf")) {
        csrf = m.group(2);
      } else {
        trial = m.group(2);
      }
    }
    List<String> choices = new ArrayList<>();
    Matcher c = CHOICE.matcher(r.body());
    while (c.find()) {
      choices.add(c.group(1));
    }
    last = trial;
    return new Page(r, r.body(), csrf, trial, choices);
  }

  /** The trial of the last page read: where {@link #post} and {@link #form} send an answer. */
  private String last;

  /** Posts a raw body with a content type to the last page's trial. */
  HttpResponse<String> post(String contentType, String body) throws IOException, InterruptedException {
    return post("/answer/" + last, contentType, body);
  }

  /** Posts a raw body with a content type to {@code path}. */
  HttpResponse<String> post(String path, String contentType, String body) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Posts an answer form; pairs are name, value, name, value, … */
  HttpResponse<String> form(String... pairs) throws IOException, InterruptedException {
    return post("application/x-www-form-urlencoded", encode(pairs));
  }

  /** Answers the page (at its trial's address): choose these positions (0 = A), or not sure when none. */
  HttpResponse<String> answer(Page p, int... positions) throws IOException, InterruptedException {
    List<String> pairs = new ArrayList<>(List.of("csrf", p.csrf(), "trial", p.trial(),
        "action", positions.length == 0 ? "not-sure" : "submit"));
    for (int pos : positions) {
      pairs.add("choice");
      pairs.add(p.choices().get(pos));
    }
    return post("/answer/" + p.trial(), "application/x-www-form-urlencoded", encode(pairs.toArray(new String[0])));
  }

  static String encode(String... pairs) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < pairs.length; i += 2) {
      if (sb.length() > 0) {
        sb.append('&');
      }
      sb.append(URLEncoder.encode(pairs[i], StandardCharsets.UTF_8)).append('=')
          .append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
    }
    return sb.toString();
  }
}
