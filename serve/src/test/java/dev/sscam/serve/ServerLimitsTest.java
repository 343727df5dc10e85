package dev.sscam.serve;

import static dev.sscam.serve.ServerApiTest.IMAGE;
import static dev.sscam.serve.ServerApiTest.MODEL;
import static dev.sscam.serve.ServerApiTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The server's bounds, each on a real server: a full queue answers 503 with Retry-After, the time limit
 * cancels a long map (504) and frees the worker, a job can be cancelled while it computes, and the
 * token guards the API. No assertion is on how long anything took.
 */
class ServerLimitsTest {
  /** SS-CAM (2), exact, N = 35 on 512 channels: minutes of work, far more than any test waits. */
  static final String LONG = "{\"method\": \"ss-cam-2\", \"N\": 35}";

  @Test
  void aFullQueueAnswers503WithRetryAfterAndACancelledJobFreesTheWorker() throws Exception {
    ServeLimits limits = ServeLimits.defaults().withQueue(0, 1);
    try (ExplainServer server = ExplainServer.start(ServedModels.open(List.of(MODEL), 0), ServeConfig.loopback().withLimits(limits))) {
      ApiClient api = new ApiClient(server.port());
      byte[] image = Files.readAllBytes(IMAGE);
      ApiClient.Answer submitted = api.postMultipart("/v1/jobs", image, LONG);
      assertThat(submitted.status()).as(submitted.text()).isEqualTo(202);
      String id = submitted.json().get("id").asText();
      JsonNode running = waitFor(api, id, s -> s.get("maps").get(0).path("passes_done").asLong() > 0);
      assertThat(running.get("maps").get(0).get("passes_total").asLong()).isEqualTo(512L * 35);
      assertThat(running.get("top")).hasSize(5);

      ApiClient.Answer refused = api.postMultipart("/v1/explain", image, "{\"method\": \"grad-cam\"}");
      assertError(refused, 503, "busy");
      assertThat(Long.parseLong(refused.header("Retry-After"))).isPositive();
      assertThat(api.get("/metrics").json().get("rejected_queue_full").asLong()).isEqualTo(1);

      assertThat(api.delete("/v1/jobs/" + id).status()).isEqualTo(200);
      JsonNode cancelled = waitFor(api, id, s -> !s.get("state").asText().equals("running"));
      assertThat(cancelled.get("state").asText()).isEqualTo("cancelled");
      assertThat(cancelled.get("maps").get(0).get("state").asText()).isEqualTo("not computed");
      // the worker is free again
      ApiClient.Answer ok = api.postMultipart("/v1/explain", image, "{\"method\": \"grad-cam\"}");
      assertThat(ok.status()).as(ok.text()).isEqualTo(200);
      JsonNode metrics = api.get("/metrics").json();
      assertThat(metrics.get("queue_length").asInt()).isZero();
      assertThat(metrics.get("latency").get("p50_seconds").isNumber()).isTrue();
    }
  }

  @Test
  void theTimeLimitCancelsTheWorkAndTheServerServesOn() throws Exception {
    ServeLimits limits = ServeLimits.defaults().withTimeLimit(Duration.ofSeconds(2)).withQueue(4, 1);
    try (ExplainServer server = ExplainServer.start(ServedModels.open(List.of(MODEL), 0), ServeConfig.loopback().withLimits(limits))) {
      ApiClient api = new ApiClient(server.port());
      byte[] image = Files.readAllBytes(IMAGE);
      assertError(api.postMultipart("/v1/explain", image, LONG), 504, "time limit of 2 s exceeded");
      ApiClient.Answer ok = api.postMultipart("/v1/explain", image, "{\"method\": \"grad-cam\"}");
      assertThat(ok.status()).as(ok.text()).isEqualTo(200);
      assertThat(api.get("/metrics").json().get("running").asInt()).isZero();
    }
  }

  @Test
  void withATokenTheApiNeedsItAndThePageDoesNot() throws Exception {
    String token = "s3cret-token-for-the-test";
    try (ExplainServer server = ExplainServer.start(ServedModels.open(List.of(MODEL), 0), ServeConfig.loopback().withToken(token))) {
      ApiClient anonymous = new ApiClient(server.port());
      assertError(anonymous.get("/v1/models"), 401, "Bearer");
      assertError(anonymous.postMultipart("/v1/explain", Files.readAllBytes(IMAGE), null), 401, "Bearer");
      assertError(anonymous.get("/metrics"), 401, "Bearer");
      assertError(new ApiClient("http://127.0.0.1:" + server.port(), "wrong").get("/v1/models"), 401, "Bearer");
      assertThat(anonymous.get("/healthz").status()).isEqualTo(200);
      assertThat(anonymous.get("/").status()).isEqualTo(200);
      ApiClient api = new ApiClient("http://127.0.0.1:" + server.port(), token);
      assertThat(api.get("/v1/models").status()).isEqualTo(200);
      ApiClient.Answer ok = api.postMultipart("/v1/explain", Files.readAllBytes(IMAGE), "{\"method\": \"grad-cam\"}");
      assertThat(ok.status()).as(ok.text()).isEqualTo(200);
    }
  }

  @Test
  void aBusyPortIsOneLine() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        ServedModels models = ServedModels.open(List.of(MODEL), 0)) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> ExplainServer.start(models,
          ServeConfig.loopback().withPort(taken.getLocalPort())))
          .isInstanceOf(ExplainServer.PortInUse.class).hasMessage("port " + taken.getLocalPort() + " is in use");
    }
  }

  static JsonNode waitFor(ApiClient api, String id, java.util.function.Predicate<JsonNode> until) throws Exception {
    for (int i = 0; i < 1200; i++) {
      JsonNode s = api.get("/v1/jobs/" + id).json();
      if (until.test(s)) {
        return s;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("job " + id + " never reached the state waited for");
  }
}
