package dev.sscam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code sscam layers}, the reading overrides and {@code sscam evaluate} on today's classifiers in
 * torchvision's layouts (the random-weight fixtures of core's tests, {@code tools/export_modern_fixtures.py}).
 */
class ModernModelsCliTest {
  @TempDir Path dir;

  @BeforeAll
  static void home() {
    System.setProperty("sscam.home", Path.of("").toAbsolutePath().getParent().toString());
  }

  static Path fixture(String name) {
    return BundledExample.home().resolve("core/src/test/resources/modern/" + name);
  }

  @Test
  void layersShowsTheReadingAndTheRuleOfTheDefault() {
    CliTest.Run r = CliTest.sscam("layers", "--model", fixture("deit_layout.onnx").toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("READING").containsPattern("\\* encoder\\.layers\\.encoder_layer_1\\.ln_1 +32x14x14 +tokens 2\\+14x14")
        .contains("first normalisation of the last attention block");
    CliTest.Run swin = CliTest.sscam("layers", "--model", fixture("swin_t_layout.onnx").toString());
    assertThat(swin.out()).containsPattern("\\* norm +64x7x7 +NHWC");
  }

  @Test
  void overridesChangeTheReadingAndAreRecorded() throws Exception {
    Path out = dir.resolve("out");
    CliTest.Run r = CliTest.sscam("explain", "--input-tensor", fixture("input.npy").toString(), "--model",
        fixture("vit_b16_layout.onnx").toString(), "--method", "score-cam", "--layer", "encoder.ln", "--grid", "7x28",
        "--json", "-o", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode o = new ObjectMapper().readTree(r.out().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow());
    assertThat(o.get("layer_reading").asText()).isEqualTo("tokens 1+7x28");
    assertThat(o.get("options").get("layer").asText()).isEqualTo("encoder.ln[grid=7x28]");

    CliTest.Run bad = CliTest.sscam("explain", "--input-tensor", fixture("input.npy").toString(), "--model",
        fixture("vit_b16_layout.onnx").toString(), "--method", "score-cam", "--grid", "10x10", "-o", out.toString());
    assertThat(bad.code()).isNotZero();
    assertThat(bad.err()).startsWith("sscam: ").contains("197 tokens").contains("10x10");

    CliTest.Run layout = CliTest.sscam("explain", "--input-tensor", fixture("input.npy").toString(), "--model",
        fixture("vit_b16_layout.onnx").toString(), "--method", "score-cam", "--layout", "nhwc", "-o", out.toString());
    assertThat(layout.code()).isNotZero();
    assertThat(layout.err()).contains("not 4-D");
  }

  @ParameterizedTest
  @ValueSource(strings = {"vit_b16_layout", "vit_b16_layout_opset14", "deit_layout", "swin_t_layout", "convnext_layout",
      "mobilenet_v3_small", "efficientnet_v2_layout", "regnet_y_layout"})
  void evaluateRuns(String model) throws Exception {
    Path m = dir.resolve(model + ".onnx");
    Files.copy(fixture(model + ".onnx"), m);
    Files.copy(fixture(model + ".json"), dir.resolve(model + ".json"));
    Path out = dir.resolve("eval-" + model);
    CliTest.Run r = CliTest.sscam("evaluate", "--data", BundledExample.home().resolve("examples/fashion-scenes-mini").toString(),
        "--model", m.toString(), "--images", "1", "--methods", "grad-cam,score-cam,ss-cam-2", "-N", "1", "--sigma", "0.1",
        "--step", "12544", "-q", "-o", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    List<String> lines = Files.readAllLines(out.resolve("results.jsonl"));
    assertThat(lines).hasSize(3).noneMatch(l -> l.contains("skipped"));
    String expectedLayer = new ObjectMapper().readTree(fixture(model + ".expected.json").toFile()).get("reading").asText();
    assertThat(Files.readString(out.resolve("report.md"))).contains("score-cam").containsPattern("target layer: .+, " + java.util.regex.Pattern.quote(expectedLayer));
    assertThat(new ObjectMapper().readTree(out.resolve("config.json").toFile()).get("layer").asText()).endsWith(", " + expectedLayer);
  }
}
