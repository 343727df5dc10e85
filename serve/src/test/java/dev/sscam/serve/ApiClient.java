package dev.sscam.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** A real HTTP client of the API (java.net.http), as a service would call it. */
public final class ApiClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String base;
  private final String token;

  public ApiClient(String base, String token) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.token = token;
  }

  public ApiClient(int port) {
    this("http://127.0.0.1:" + port, null);
  }

  /** An answer: status, headers and body. */
  public record Answer(int status, HttpResponse<byte[]> response) {
    public JsonNode json() {
      try {
        return JSON.readTree(response.body());
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + status + "): " + text(), e);
      }
    }

    public String text() {
      return new String(response.body(), StandardCharsets.UTF_8);
    }

    public byte[] bytes() {
      return response.body();
    }

    public String header(String name) {
      return response.headers().firstValue(name).orElse(null);
    }
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  public Answer get(String path) throws IOException, InterruptedException {
    return send(request(path).GET().build());
  }

  public Answer delete(String path) throws IOException, InterruptedException {
    return send(request(path).DELETE().build());
  }

  /** POSTs {@code image} and {@code options} (JSON text, may be null) as multipart/form-data. */
  public Answer postMultipart(String path, byte[] image, String options) throws IOException, InterruptedException {
    String boundary = "sscam-test-" + System.nanoTime();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"upload.jpg\"\r\n"
        + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    body.write(image);
    if (options != null) {
      body.write(("\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"options\"\r\n\r\n")
          .getBytes(StandardCharsets.UTF_8));
      body.write(options.getBytes(StandardCharsets.UTF_8));
    }
    body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return send(request(path).header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build());
  }

  /** POSTs {@code image} as the raw body, options in the query. */
  public Answer postRaw(String path, byte[] image, String options) throws IOException, InterruptedException {
    String q = options == null ? "" : "?options=" + java.net.URLEncoder.encode(options, StandardCharsets.UTF_8);
    return send(request(path + q).header("Content-Type", "application/octet-stream")
        .POST(HttpRequest.BodyPublishers.ofByteArray(image)).build());
  }

  public Answer send(HttpRequest r) throws IOException, InterruptedException {
    HttpResponse<byte[]> resp = http.send(r, HttpResponse.BodyHandlers.ofByteArray());
    return new Answer(resp.statusCode(), resp);
  }

  /** The float32 values of a {@code {"base64": …}} map. */
  public static float[] floats(JsonNode map) {
    byte[] b = Base64.getDecoder().decode(map.get("base64").asText());
    float[] out = new float[b.length / 4];
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }
}
