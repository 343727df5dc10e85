package dev.sscam.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sscam.cam.CamOptions;
import dev.sscam.cam.Explainer;
import dev.sscam.cam.Methods;
import dev.sscam.cam.SaliencyMap;
import dev.sscam.image.ImageReader;
import dev.sscam.model.OnnxClassifier;
import dev.sscam.testing.HostileFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real server on a free port over the bundled SqueezeNet1.0, called by real HTTP clients: the
 * catalogue routes, an explanation whose map equals the library's for the same image and options, and
 * bad input answered with a clear error while the server keeps serving.
 */
class ServerApiTest {
  static final Path EXAMPLES = Path.of("").toAbsolutePath().getParent().resolve("examples");
  static final Path MODEL = EXAMPLES.resolve("models/squeezenet1_0.onnx");
  static final Path IMAGE = EXAMPLES.resolve("fashion-scenes-mini/val/images/FS2026_val_00000002.JPEG");

  @TempDir static Path tmp;
  static ExplainServer server;
  static ApiClient api;

  @BeforeAll
  static void start() {
    server = ExplainServer.start(ServedModels.open(List.of(MODEL), 0),
        ServeConfig.loopback().withExamples(List.of(IMAGE)));
    api = new ApiClient(server.port());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void catalogueRoutesDescribeTheModel() throws Exception {
    assertThat(api.get("/healthz").json().get("status").asText()).isEqualTo("ok");
    JsonNode models = api.get("/v1/models").json();
    assertThat(models).hasSize(1);
    assertThat(models.get(0).get("id").asText()).isEqualTo("squeezenet1_0");
    assertThat(models.get(0).get("default_layer").asText()).isEqualTo("features.12");
    JsonNode layers = api.get("/v1/models/squeezenet1_0/layers").json();
    assertThat(layers.size()).isGreaterThan(3);
    JsonNode def = null;
    for (JsonNode l : layers) {
      if (l.get("default").asBoolean()) {
        def = l;
      }
    }
    assertThat(def.get("name").asText()).isEqualTo("features.12");
    assertThat(def.get("channels").asInt()).isEqualTo(512);
    assertThat(def.get("reading").asText()).isEqualTo("NCHW");
    assertThat(def.get("node").asText()).isNotBlank(); // the same rows as `sscam layers --json` (LayerCatalog.describe)
    assertThat(api.get("/v1/models/nope/layers").status()).isEqualTo(404);
    assertThat(api.get("/v1/models/squeezenet1_0/classes").json().size()).isGreaterThan(1);
    assertThat(api.get("/v1/examples").json().get(0).get("name").asText()).isEqualTo(IMAGE.getFileName().toString());
    assertThat(api.get("/v1/examples/" + IMAGE.getFileName()).bytes()).isEqualTo(Files.readAllBytes(IMAGE));
    assertThat(api.get("/").text()).contains("sscam explorer");
    assertThat(api.get("/").header("Content-Security-Policy")).contains("default-src 'none'");
  }

  @Test
  void theApisMapIsTheLibrarysMapBitForBit() throws Exception {
    byte[] image = Files.readAllBytes(IMAGE);
    ApiClient.Answer a = api.postMultipart("/v1/explain", image,
        "{\"method\": [\"grad-cam\", \"layer-cam\"], \"layer\": \"features.12\", \"format\": [\"float32\", \"cam\", \"png\"]}");
    assertThat(a.status()).as(a.text()).isEqualTo(200);
    JsonNode body = a.json();
    assertThat(body.get("top")).hasSize(5);
    assertThat(body.get("maps")).hasSize(2);
    try (OnnxClassifier m = OnnxClassifier.open(MODEL, 16, 0)) {
      float[] x = m.card().preprocessing().normalize(m.card().preprocessing().resize(ImageReader.read(IMAGE)));
      for (int i = 0; i < 2; i++) {
        JsonNode map = body.get("maps").get(i);
        SaliencyMap expected = new Explainer(m).explain(x, Methods.byId(map.get("method").asText()),
            CamOptions.builder().layer("features.12").build());
        assertThat(ApiClient.floats(map.get("map"))).containsExactly(expected.explanation());
        assertThat(ApiClient.floats(map.get("cam"))).containsExactly(expected.cam());
        assertThat(map.get("class").asInt()).isEqualTo(expected.classIndex());
        assertThat(map.get("passes").asLong()).isEqualTo(expected.provenance().forwardPasses());
        assertThat(map.get("provenance").get("model_sha256").asText()).isEqualTo(m.file().sha256());
        assertThat(map.get("png").asText()).isNotEmpty();
      }
      assertThat(body.get("top").get(0).get("class").asInt()).isEqualTo(body.get("maps").get(0).get("class").asInt());
    }
    // the raw body with options in the query gives the same map
    ApiClient.Answer raw = api.postRaw("/v1/explain", image, "{\"method\": \"grad-cam\", \"layer\": \"features.12\"}");
    assertThat(raw.status()).as(raw.text()).isEqualTo(200);
    assertThat(ApiClient.floats(raw.json().get("maps").get(0).get("map")))
        .containsExactly(ApiClient.floats(body.get("maps").get(0).get("map")));
  }

  @Test
  void badInputGetsAClearErrorAndTheServerKeepsServing() throws Exception {
    byte[] image = Files.readAllBytes(IMAGE);
    assertError(api.postMultipart("/v1/explain", Files.readAllBytes(HostileFiles.text(tmp, "notes.jpg")), null), 400,
        "Not an image");
    assertError(api.postMultipart("/v1/explain", Files.readAllBytes(HostileFiles.pngDeclaring(tmp, "bomb.png", 100_000, 100_000)),
        null), 413, "declares 100000x100000 pixels");
    assertError(api.postMultipart("/v1/explain", new byte[0], null), 400, "empty (0 bytes)");
    assertError(api.postRaw("/v1/explain", new byte[0], null), 400, "empty (0 bytes)");
    assertError(api.postRaw("/v1/explain", new byte[50 * 1024 * 1024], null), 413, "over the limit");
    assertError(api.postMultipart("/v1/explain", image, "{\"method\": \"nope-cam\"}"), 422, "unknown method 'nope-cam'");
    assertError(api.postMultipart("/v1/explain", image, "{\"layer\": \"no.such.layer\"}"), 422, "no.such.layer");
    assertError(api.postMultipart("/v1/explain", image, "{\"colour\": \"red\"}"), 422, "unknown option 'colour'");
    assertError(api.postMultipart("/v1/explain", image, "{\"method\": \"ss-cam-2\", \"N\": 1000000}"), 422,
        "N = 1000000 is over this server's limit of 1000");
    assertError(api.postMultipart("/v1/explain", image, "{\"class\": 100000}"), 422, "out of range");
    assertError(api.postMultipart("/v1/explain", image, "{\"sigma\": -1}"), 422, "sigma");
    assertError(api.postMultipart("/v1/explain", image, "{not json"), 400, "not valid JSON");
    assertError(api.postMultipart("/v1/explain", image, "[1]"), 400, "JSON object");
    assertError(api.get("/v1/jobs/0123"), 404, "no job");
    assertError(api.get("/nowhere"), 404, "no such route");
    // ... and it still explains
    ApiClient.Answer ok = api.postMultipart("/v1/explain", image, "{\"method\": \"grad-cam\"}");
    assertThat(ok.status()).as(ok.text()).isEqualTo(200);
    JsonNode metrics = api.get("/metrics").json();
    assertThat(metrics.get("requests_by_status").get("422").asLong()).isGreaterThanOrEqualTo(6);
    assertThat(metrics.get("maps_by_method").get("grad-cam").asLong()).isGreaterThanOrEqualTo(1);
  }

  static void assertError(ApiClient.Answer a, int status, String says) {
    assertThat(a.status()).as(a.text()).isEqualTo(status);
    assertThat(a.header("Content-Type")).startsWith("application/json");
    assertThat(a.json().get("error").asText()).contains(says).doesNotContain("\tat ").doesNotContain("Exception");
  }
}
