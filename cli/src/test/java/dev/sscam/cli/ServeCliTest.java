package dev.sscam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sscam.io.Npy;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/explain}'s maps equal {@code sscam explain}'s for the same image and options, bit
 * for bit: the server runs on a free port as {@code sscam serve} sets it up, and {@code sscam explain
 * --npy} runs through picocli into a temporary folder, whose .npy files are read back.
 */
class ServeCliTest {
  @TempDir Path dir;

  @BeforeAll
  static void home() {
    CliTest.home();
  }

  @Test
  void theApisMapsAreSscamExplainsMapsBitForBit() throws Exception {
    Path image = BundledExample.image();
    String layer = "features.11";
    // Score-based, gradient and eigen methods; SS-CAM in fast mode with its seed and a non-default reading.
    CliTest.Run cli = CliTest.sscam("explain", image.toString(), "--method", "grad-cam,ss-cam-1,eigen-cam",
        "--layer", layer, "-N", "2", "--sigma", "0.5", "--fast-tolerance", "0.05", "--seed", "7", "--preset", "torchcam",
        "--baseline", "none", "--npy", "-q", "-o", dir.toString());
    assertThat(cli.code()).as(cli.err()).isZero();
    String options = "{\"method\": [\"grad-cam\", \"ss-cam-1\", \"eigen-cam\"], \"layer\": \"" + layer + "\","
        + " \"N\": 2, \"sigma\": 0.5, \"fast-tolerance\": 0.05, \"seed\": 7, \"preset\": \"torchcam\","
        + " \"baseline\": \"none\", \"format\": [\"float32\", \"cam\"]}";
    try (dev.sscam.serve.ExplainServer server = dev.sscam.serve.ExplainServer.start(
        dev.sscam.serve.ServedModels.open(List.of(BundledExample.model()), 0), dev.sscam.serve.ServeConfig.loopback())) {
      JsonNode body = explain(server.port(), Files.readAllBytes(image), options);
      String stem = ImageInputs.stem(image);
      for (JsonNode map : body.get("maps")) {
        String method = map.get("method").asText();
        Npy.Array e = Npy.read(dir.resolve(stem + "." + method + ".npy"));
        Npy.Array cam = Npy.read(dir.resolve(stem + "." + method + ".cam.npy"));
        assertThat(floats(map.get("map"))).as(method).containsExactly(e.data());
        assertThat(floats(map.get("cam"))).as(method).containsExactly(cam.data());
        assertThat(map.get("map").get("shape").get(0).asInt()).isEqualTo(e.shape()[0]);
        assertThat(map.get("provenance").get("layer").asText()).isEqualTo(layer);
      }
      assertThat(body.get("maps").get(1).get("fast").get("tolerance").asDouble()).isEqualTo(0.05);
    }
  }

  static JsonNode explain(int port, byte[] image, String options) throws Exception {
    String boundary = "b" + System.nanoTime();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"x.jpg\"\r\n\r\n")
        .getBytes(StandardCharsets.UTF_8));
    body.write(image);
    body.write(("\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"options\"\r\n\r\n" + options
        + "\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/v1/explain"))
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new ObjectMapper().readTree(r.body());
  }

  static float[] floats(JsonNode map) {
    byte[] b = Base64.getDecoder().decode(map.get("base64").asText());
    float[] out = new float[b.length / 4];
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }
}
