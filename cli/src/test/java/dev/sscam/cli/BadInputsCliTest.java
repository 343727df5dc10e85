package dev.sscam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sscam.onnx.OnnxGraphBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model with NaN weights or an unusable signature ends a command with one line and exit 1;
 * one corrupt image in {@code evaluate} is skipped, listed, and the run ends with exit 0.
 */
class BadInputsCliTest {
  @TempDir Path dir;

  @BeforeAll
  static void home() {
    CliTest.home();
  }

  /** input [N,3,8,8] → Conv 1×1 (3→2, {@code w}) → GlobalAveragePool → Flatten → Gemm → logits [N,3]; or without the head. */
  private Path model(String name, float[] w, boolean head) throws Exception {
    OnnxGraphBuilder b = new OnnxGraphBuilder(name).opset(13);
    b.input("input", -1, 3, 8, 8);
    b.initializer("w", w, 2, 3, 1, 1);
    b.node("Conv").name("/features/Conv").inputs("input", "w").outputs("c").add();
    if (head) {
      b.initializer("fc", new float[] {1, 0, 0, 1, 1, 1}, 3, 2);
      b.node("GlobalAveragePool").name("/pool").inputs("c").outputs("p").add();
      b.node("Flatten").name("/flatten").inputs("p").outputs("f").add();
      b.node("Gemm").name("/fc/Gemm").inputs("f", "fc").outputs("logits").attrInt("transB", 1).add();
      b.output("logits");
    } else {
      b.output("c");
    }
    Path p = dir.resolve(name + ".onnx");
    Files.write(p, b.build().toByteArray());
    return p;
  }

  @Test
  void nanWeightsEndPredictAndExplainWithOneLineNamingTheImage() throws Exception {
    Path nan = model("nan", new float[] {1, 0, Float.NaN, 0, 1, 0}, true);
    Path image = CliTest.exampleImage();
    for (List<String> args : List.of(List.of("predict", "--model", nan.toString(), image.toString()),
        List.of("explain", "--model", nan.toString(), "--method", "grad-cam", "-q", "-o", dir.resolve("o").toString(),
            image.toString()))) {
      CliTest.Run r = CliTest.sscam(args.toArray(String[]::new));
      assertThat(r.code()).as(args.get(0)).isEqualTo(1);
      assertThat(r.err()).as(args.get(0))
          .isEqualTo("sscam: the model's output for " + image + " contains NaN (logits): check the model's weights"
              + System.lineSeparator());
    }
  }

  @Test
  void aFourDimensionalOutputIsRefusedInOneLine() throws Exception {
    Path seg = model("seg", new float[] {1, 0, 0, 0, 1, 0}, false);
    CliTest.Run r = CliTest.sscam("predict", "--model", seg.toString(), CliTest.exampleImage().toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("sscam: model " + seg + "'s output 'c' has rank 4 [?×2×8×8];"
        + " sscam needs a float output N×C with one score per class" + System.lineSeparator());
  }

  @Test
  void evaluateSkipsACorruptImageAndSaysSo() throws Exception {
    Path mini = Path.of("..", "examples", "fashion-scenes-mini");
    Path data = dir.resolve("data");
    Files.createDirectories(data.resolve("val/images"));
    Files.createDirectories(data.resolve("val/annotations"));
    Files.copy(mini.resolve("LOC_synset_mapping.txt"), data.resolve("LOC_synset_mapping.txt"));
    for (int i = 1; i <= 3; i++) {
      String id = "FS2026_val_0000000" + i;
      Files.copy(mini.resolve("val/images/" + id + ".JPEG"), data.resolve("val/images/" + id + ".JPEG"));
      Files.copy(mini.resolve("val/annotations/" + id + ".xml"), data.resolve("val/annotations/" + id + ".xml"));
    }
    Files.write(data.resolve("val/images/FS2026_val_00000002.JPEG"), new byte[0]);
    Path out = dir.resolve("eval");
    CliTest.Run r = CliTest.sscam("evaluate", "--data", data.toString(), "--images", "3", "--methods", "grad-cam",
        "--step", "20000", "-q", "-o", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).containsPattern("(?m)^sscam: skipped FS2026_val_00000002: .*FS2026_val_00000002\\.JPEG.*$");
    assertThat(r.out()).contains("2 image x method pairs computed")
        .contains("1 image skipped and left out of the report");
    assertThat(Files.readString(out.resolve("report.md"))).contains("1 image skipped: FS2026_val_00000002 (");
    assertThat(Files.readString(out.resolve("results.jsonl"))).contains("{\"image\":\"FS2026_val_00000002\",\"skipped\":\"");
  }
}
