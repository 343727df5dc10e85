package dev.sscam.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sscam.cam.Preset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Presets and reading options in config.json: old folders read as {@code equations}; any option that differs is named. */
class EvaluationConfigTest {
  private static final String OLD = """
      {"modelSha256":"abc","methods":["score-cam","ss-cam-1"],"images":4,"seed":7,"samples":10,"sigma":2.0,
       "step":224,"dataset":"/data","imageListHash":"h","preset":"paper"}
      """;

  private static EvaluationConfig config(String preset, Map<String, String> reading) {
    return new EvaluationConfig("abc", List.of("score-cam", "ss-cam-1"), 4, 7, 10, 2.0, 224, "/data", "h", preset, reading);
  }

  @Test
  void anOldFolderThatSaysPaperIsReadAsEquations(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("config.json");
    Files.writeString(f, OLD, StandardCharsets.UTF_8);
    EvaluationConfig old = EvaluationConfig.read(f);
    assertThat(old.preset()).isEqualTo("equations");
    assertThat(old.reading()).isEqualTo(Preset.EQUATIONS.reading().asMap());
    assertThat(old.differences(config("equations", null))).isEmpty();
    assertThat(old.differences(config("authors", null)))
        .containsExactly("preset", "baseline", "noise-scale", "ss-cam-1-mask", "sum-at");
  }

  @Test
  void anOverriddenOptionIsNamedAndSurvivesARoundTrip(@TempDir Path dir) {
    EvaluationConfig overridden = config("authors", Map.of("baseline", "subtract"));
    assertThat(overridden.reading()).containsEntry("baseline", "subtract").containsEntry("sum-at", "input");
    assertThat(overridden.differences(config("authors", null))).containsExactly("baseline");
    Path f = dir.resolve("config.json");
    overridden.write(f);
    assertThat(EvaluationConfig.read(f)).isEqualTo(overridden);
  }

  @Test
  void aConfigWithoutPresetIsTheOldDefaultEquations() {
    assertThat(config(null, null).preset()).isEqualTo("equations");
  }

  @Test
  void fastModeIsRecordedSoThatAResumeCannotMixExactAndFastMaps(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("config.json");
    Files.writeString(f, OLD, StandardCharsets.UTF_8);
    EvaluationConfig old = EvaluationConfig.read(f);
    assertThat(old.fastTolerance()).as("a file from before fast mode holds exact maps").isNull();
    assertThat(old.isFast()).isFalse();
    EvaluationConfig exact = config("equations", null);
    EvaluationConfig fast = new EvaluationConfig("abc", List.of("score-cam", "ss-cam-1"), 4, 7, 10, 2.0, 224, "/data", "h",
        "equations", null, 0.02);
    assertThat(old.differences(fast)).containsExactly("fast");
    assertThat(fast.differences(exact)).containsExactly("fast");
    EvaluationConfig looser = new EvaluationConfig("abc", List.of("score-cam", "ss-cam-1"), 4, 7, 10, 2.0, 224, "/data",
        "h", "equations", null, 0.05);
    assertThat(fast.differences(looser)).containsExactly("fast-tolerance");
    Path g = dir.resolve("fast.json");
    fast.write(g);
    EvaluationConfig back = EvaluationConfig.read(g);
    assertThat(back.fastTolerance()).isEqualTo(0.02);
    assertThat(back.differences(fast)).isEmpty();
    List<ImageResult> one = List.of(ResultsLogTest.result("a", "score-cam", 0.5, 0.4));
    assertThat(EvaluationReport.of(one, fast, 7).markdown())
        .startsWith("# sscam evaluation (fast mode, tolerance 0.02").contains("maps: fast mode, tolerance 0.02");
    assertThat(EvaluationReport.of(one, fast, 7).html(null)).contains("<h1>sscam evaluation (fast mode, tolerance 0.02");
    assertThat(EvaluationReport.of(one, exact, 7).markdown()).startsWith("# sscam evaluation\n").contains("maps: exact");
  }

  @Test
  void theTargetLayerIsRecordedAndADifferentOneIsRefused(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("config.json");
    Files.writeString(f, OLD, StandardCharsets.UTF_8);
    EvaluationConfig old = EvaluationConfig.read(f);
    assertThat(old.layer()).as("a file from before layers were recorded").isNull();
    EvaluationConfig vit = config("equations", null).withLayer("encoder.layers.encoder_layer_5.ln_1, tokens 1+14x14");
    assertThat(old.differences(vit)).as("an old folder resumes").isEmpty();
    assertThat(vit.differences(config("equations", null).withLayer("encoder.ln, tokens 1+14x14"))).containsExactly("layer");
    vit.write(f);
    assertThat(Files.readString(f)).contains("\"layer\" : \"encoder.layers.encoder_layer_5.ln_1, tokens 1+14x14\"");
    assertThat(EvaluationConfig.read(f)).isEqualTo(vit);
  }
}
