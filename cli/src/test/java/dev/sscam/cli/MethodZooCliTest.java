package dev.sscam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sscam.io.Npy;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The methods of torchcam and pytorch-grad-cam from the command line, on the bundled model and the layouts of today's classifiers. */
class MethodZooCliTest {
  private static final List<String> CHEAP = List.of("xgrad-cam", "layer-cam", "hires-cam", "grad-cam-elementwise",
      "eigen-cam", "eigen-grad-cam", "ablation-cam");

  @TempDir Path dir;

  @BeforeAll
  static void home() {
    System.setProperty("sscam.home", Path.of("").toAbsolutePath().getParent().toString());
  }

  @Test
  void explainRunsEachNewMethodOnTheBundledModel() throws Exception {
    Path out = dir.resolve("out");
    CliTest.Run r = CliTest.sscam("explain", CliTest.exampleImage().toString(), "--method", String.join(",", CHEAP), "--npy",
        "--json", "-q", "-o", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    List<String> lines = r.out().lines().filter(l -> l.startsWith("{")).toList();
    assertThat(lines).hasSize(CHEAP.size());
    for (int i = 0; i < CHEAP.size(); i++) {
      JsonNode o = new ObjectMapper().readTree(lines.get(i));
      assertThat(o.get("method").asText()).isEqualTo(CHEAP.get(i));
      Npy.Array cam = Npy.read(out.resolve("FS2026_val_00000002." + CHEAP.get(i) + ".cam.npy"));
      float max = 0;
      for (float v : cam.data()) {
        assertThat(v).isBetween(0f, 1f);
        max = Math.max(max, v);
      }
      assertThat(max).as(CHEAP.get(i)).isEqualTo(1f);
    }
  }

  /**
   * Ablation and Eigen-CAM (no gradient) on token (ViT), channels-last (Swin) and ConvNeXt layers:
   * channel k is zeroed where the layer's own layout holds it, and the head runs on its own.
   */
  @ParameterizedTest
  @ValueSource(strings = {"vit_b16_layout", "swin_t_layout", "convnext_layout"})
  void ablationAndEigenCamRunOnEveryLayout(String model) throws Exception {
    Path out = dir.resolve("out-" + model);
    CliTest.Run r = CliTest.sscam("explain", "--input-tensor", ModernModelsCliTest.fixture("input.npy").toString(), "--model",
        ModernModelsCliTest.fixture(model + ".onnx").toString(), "--method", "ablation-cam,eigen-cam", "--json", "-q",
        "-o", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out().lines().filter(l -> l.startsWith("{")).count()).isEqualTo(2);
  }

  @Test
  void helpSaysPresetsDoNotApplyToGradientAndEigenMethods() {
    CliTest.Run r = CliTest.sscam("explain", "--help");
    assertThat(r.out().replaceAll("\\s+", " ")).contains("Presets apply to the score-based methods only")
        .contains("eigen-grad-cam").contains("is-cam");
  }

  @Test
  void fusionAndSmoothingAreNamedInProvenance() throws Exception {
    Path out = dir.resolve("out");
    CliTest.Run r = CliTest.sscam("explain", CliTest.exampleImage().toString(), "--method", "layer-cam", "--layer",
        "features.10,features.12", "--aug-smooth", "--eigen-smooth", "--json", "-q", "-o", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode o = new ObjectMapper().readTree(r.out().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow());
    assertThat(o.toString()).contains("aug-smooth").contains("eigen-smooth").contains("fusion").contains("tanh");
  }
}
