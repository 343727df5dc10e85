package dev.sscam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sscam.io.Npy;
import dev.sscam.onnx.OnnxGraphBuilder;
import dev.sscam.testing.SharedData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line end to end, on the bundled example and on files the tests make. */
class CliTest {
  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  @BeforeAll
  static void home() {
    // Tests run in cli/: the bundled example lives one folder up.
    System.setProperty("sscam.home", Path.of("").toAbsolutePath().getParent().toString());
  }

  static Run sscam(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  static Path exampleImage() {
    return BundledExample.image();
  }

  @Test
  void everyHelpTextFormatsCleanly() {
    java.io.PrintStream saved = System.err;
    java.io.ByteArrayOutputStream traced = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(traced, true));
    try {
      for (String command : List.of("explain", "compare", "predict", "layers", "bench", "fidelity", "evaluate", "report", "serve")) {
        Run r = sscam(command, "--help");
        assertThat(r.code()).as(command).isZero();
        assertThat(r.out()).as(command).startsWith("Usage: sscam " + command);
      }
      Run top = sscam("--help");
      assertThat(top.out()).contains("evaluate").contains("explain");
    } finally {
      System.setErr(saved);
    }
    // picocli reports format errors in descriptions (a lone '%') on stderr.
    assertThat(traced.toString()).doesNotContain("WARN");
  }

  @Test
  void benchTimesAGradientMapAsOnePassAndShowsWhatAPassCostsInEachForm() {
    Run r = sscam("bench", "--methods", "grad-cam", "--repeat", "1", "--memory-maps", "0", "-b", "1");
    assertThat(r.code()).as(r.out()).isZero();
    // one forward pass gives the logits, A and the head's inputs; the head's gradient is no pass
    assertThat(r.out()).containsPattern("grad-cam +1 +[0-9]+ +[0-9.]+ +[0-9.]+ +[0-9.]+");
    // a quick map is timed more than --repeat times: one 10 ms map alone is noise
    java.util.regex.Matcher row = java.util.regex.Pattern.compile("grad-cam +1 +([0-9]+) ").matcher(r.out());
    assertThat(row.find()).isTrue();
    assertThat(Integer.parseInt(row.group(1))).isBetween(2, BenchCommand.MAX_QUICK_MAPS);
    assertThat(r.out()).containsPattern(
        "one image, best of 20: plain pass [0-9.]+ ms, with the layer's activations [0-9.]+ ms, with the head's gradient [0-9.]+ ms");
  }

  @Test
  void layersJsonIsOneObjectPerLayerWithTheDefaultMarked() throws Exception {
    Run r = sscam("layers", "--json");
    assertThat(r.code()).isZero();
    com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    List<com.fasterxml.jackson.databind.JsonNode> defaults = new java.util.ArrayList<>();
    for (String line : r.out().strip().split("\n")) {
      com.fasterxml.jackson.databind.JsonNode row = mapper.readTree(line);
      assertThat(row.has("node") && row.has("tensor") && row.has("reading")).as(line).isTrue();
      if (row.get("default").asBoolean()) {
        defaults.add(row);
      }
    }
    assertThat(defaults).hasSize(1);
    assertThat(defaults.get(0).get("name").asText()).isEqualTo("features.12");
    assertThat(defaults.get(0).get("channels").asInt()).isEqualTo(512);
  }

  @Test
  void layersMarksTheCardsDefault() {
    Run r = sscam("layers");
    assertThat(r.code()).isZero();
    assertThat(r.out()).containsPattern("\\* features\\.12 +features +512x13x13 +NCHW +Concat").contains("(from the model card)");
    assertThat(r.out()).contains("classifier.2");
  }

  @Test
  void predictJsonListsTopFiveSortedWithCardLabels() throws Exception {
    Run r = sscam("predict", "--json", exampleImage().toString());
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode o = new ObjectMapper().readTree(r.out().lines().findFirst().orElseThrow());
    JsonNode top = o.get("top");
    assertThat(top).hasSize(5);
    double sum = 0;
    for (int i = 0; i < 5; i++) {
      sum += top.get(i).get("probability").asDouble();
      if (i > 0) {
        assertThat(top.get(i).get("probability").asDouble()).isLessThanOrEqualTo(top.get(i - 1).get("probability").asDouble());
      }
    }
    assertThat(sum).isLessThanOrEqualTo(1.0 + 1e-9);
    List<String> labels = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    assertThat(top.get(0).get("label").asText()).isEqualTo(labels.get(top.get(0).get("class").asInt()));
  }

  @Test
  void explainWritesPictureAndMapsAtomically() throws Exception {
    Path out = dir.resolve("out");
    Run r = sscam("explain", exampleImage().toString(), "--method", "grad-cam,grad-cam++", "--npy", "--json", "-o", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines).hasSize(2);
    JsonNode o = new ObjectMapper().readTree(lines.get(0));
    assertThat(o.get("method").asText()).isEqualTo("grad-cam");
    assertThat(o.get("files")).hasSize(3);
    Npy.Array cam = Npy.read(out.resolve("FS2026_val_00000002.grad-cam.cam.npy"));
    assertThat(cam.shape()).containsExactly(13, 13);
    float max = 0;
    for (float v : cam.data()) {
      assertThat(v).isBetween(0f, 1f);
      max = Math.max(max, v);
    }
    assertThat(max).isEqualTo(1f);
    assertThat(Npy.read(out.resolve("FS2026_val_00000002.grad-cam.npy")).shape()).containsExactly(224, 224);
    assertThat(ImageIO.read(out.resolve("FS2026_val_00000002.grad-cam++.png").toFile()).getWidth()).isGreaterThanOrEqualTo(224);
    try (Stream<Path> files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".tmp") || n.startsWith("."));
    }
  }

  @Test
  void explainWithoutArgumentsUsesTheBundledExampleAndSsCam2() throws Exception {
    Path out = dir.resolve("out");
    Run r = sscam("explain", "--samples", "1", "--json", "-q", "-o", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode o = new ObjectMapper().readTree(r.out().trim());
    assertThat(o.get("method").asText()).isEqualTo("ss-cam-2");
    assertThat(o.get("image").asText()).isEqualTo("FS2026_val_00000002");
    assertThat(Files.exists(out.resolve("FS2026_val_00000002.ss-cam-2.png"))).isTrue();
  }

  @Test
  void aFastMapSaysSoInItsJsonLineAndTitle() throws Exception {
    Path out = dir.resolve("out");
    Run r = sscam("explain", "--samples", "2", "--fast", "--json", "-q", "-o", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode o = new ObjectMapper().readTree(r.out().trim());
    JsonNode fast = o.get("fast");
    assertThat(fast).as("fast provenance").isNotNull();
    assertThat(fast.get("tolerance").asDouble()).isEqualTo(dev.sscam.cam.FastMode.DEFAULT_TOLERANCE);
    assertThat(fast.get("passes").asLong()).isLessThanOrEqualTo(fast.get("exact_passes").asLong());
    assertThat(fast.get("estimated_rms_error").asDouble()).isBetween(0.0, dev.sscam.cam.FastMode.DEFAULT_TOLERANCE);
    assertThat(o.get("options").get("fast-tolerance").asDouble()).isEqualTo(dev.sscam.cam.FastMode.DEFAULT_TOLERANCE);
    Run text = sscam("explain", "--samples", "2", "--fast-tolerance", "0.05", "-q", "-o", out.toString());
    assertThat(text.out()).contains("(fast: ").contains("tolerance 0.05");
    Run exact = sscam("explain", "--method", "grad-cam", "--json", "-q", "-o", out.toString());
    assertThat(new ObjectMapper().readTree(exact.out().trim()).has("fast")).isFalse();
  }

  @Test
  void explainChecksEveryPathFirstThenDecodesImageByImage() throws Exception {
    Path out = dir.resolve("paths");
    Path missing = dir.resolve("missing.jpg");
    Run typo = sscam("explain", exampleImage().toString(), missing.toString(), "--method", "grad-cam", "-q", "-o", out.toString());
    assertThat(typo.code()).isEqualTo(1);
    assertThat(typo.err()).contains("Image file not found: " + missing);
    assertThat(out).doesNotExist();
    // A corrupt image is found at its turn: the maps before it are written whole, the run stops there.
    Path corrupt = java.nio.file.Files.writeString(dir.resolve("corrupt.jpg"), "not a jpeg");
    Run bad = sscam("explain", exampleImage().toString(), corrupt.toString(), "--method", "grad-cam", "-q", "-o", out.toString());
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).contains(corrupt.toString());
    String stem = exampleImage().getFileName().toString().replaceFirst("\\.[^.]+$", "");
    assertThat(javax.imageio.ImageIO.read(out.resolve(stem + ".grad-cam.png").toFile())).isNotNull();
    assertThat(out.resolve("corrupt.grad-cam.png")).doesNotExist();
  }

  @Test
  void fidelityRefusesASkipThatLeavesNoImage() {
    Run r = sscam("fidelity", "--data", BundledExample.image().getParent().getParent().getParent().toString(),
        "--images", "1", "--skip", "1");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("--skip must be in 0..0, got 1");
  }

  @Test
  void fidelityComparesFastAndExactMapsPerMethod() throws Exception {
    Run r = sscam("fidelity", "--data", BundledExample.image().getParent().getParent().getParent().toString(),
        "--images", "1", "--methods", "score-cam", "-o", dir.resolve("tables/fidelity.md").toString());
    assertThat(r.code()).as(r.err()).isZero();
    // The file holds the same table row as the output, under a heading naming the run.
    String table = java.nio.file.Files.readString(dir.resolve("tables/fidelity.md"));
    assertThat(table).startsWith("Fast vs exact, model squeezenet1_0.onnx, preset authors").contains("1 images")
        .contains(r.out().lines().filter(l -> l.startsWith("| score-cam |")).findFirst().orElseThrow());
    assertThat(dir.resolve("tables")).isDirectoryNotContaining("glob:**.tmp");
    // One table row: method, images, passes (exact, fast), passes ratio (never above 1), seconds ratio, Pearson.
    assertThat(r.out()).containsPattern("\\| score-cam \\| 1 \\| \\d+ \\| \\d+ \\| (0\\.\\d{3}|1\\.000) / (0\\.\\d{3}|1\\.000) \\| "
        + "[0-9.]+ \\| (0\\.99\\d\\d|1\\.0000) / ");
  }

  @Test
  void inputTensorMatchesTheTorchcamGradCamReference() throws Exception {
    Path ref = SharedData.require("fixtures/reference/squeezenet1_0");
    Path out = dir.resolve("out");
    Run r = sscam("explain", "--model", SharedData.require("models/squeezenet1_0.onnx").toString(),
        "--input-tensor", ref.resolve("FS2026_val_00000003.input.npy").toString(), "--method", "grad-cam", "--npy", "-o", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    float[] mine = Npy.read(out.resolve("FS2026_val_00000003.grad-cam.cam.npy")).data();
    float[] theirs = Npy.read(ref.resolve("FS2026_val_00000003.GradCAM.cam.npy")).data();
    for (int i = 0; i < mine.length; i++) {
      assertThat(Math.abs(mine[i] - theirs[i])).isLessThanOrEqualTo(1e-3f);
    }
  }

  @Test
  void compareDrawsOneGrid() throws Exception {
    Path png = dir.resolve("grid.png");
    Path other = exampleImage().resolveSibling("FS2026_val_00000003.JPEG");
    Run r = sscam("compare", exampleImage().toString(), other.toString(), "--methods", "grad-cam,grad-cam++", "-q", "-o", png.toString());
    assertThat(r.code()).as(r.err()).isZero();
    java.awt.image.BufferedImage grid = ImageIO.read(png.toFile());
    assertThat(grid.getWidth()).isGreaterThanOrEqualTo(3 * 224);
    assertThat(grid.getHeight()).isGreaterThanOrEqualTo(2 * 224);
  }

  @Test
  void compareShowsOneMethodUnderSeveralPresetsSideBySide() throws Exception {
    Path png = dir.resolve("presets.png");
    Run r = sscam("compare", exampleImage().toString(), "--methods", "score-cam", "--presets", "authors,equations,torchcam",
        "-q", "-o", png.toString());
    assertThat(r.code()).as(r.err()).isZero();
    java.awt.image.BufferedImage grid = ImageIO.read(png.toFile());
    // The input and three columns: one per preset.
    assertThat(grid.getWidth()).isGreaterThanOrEqualTo(4 * 224).isLessThan(5 * 224);
    Run bad = sscam("compare", exampleImage().toString(), "--methods", "score-cam", "--presets", "authors,pytorch", "-q",
        "-o", dir.resolve("bad.png").toString());
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).contains("unknown preset 'pytorch'");
  }

  @Test
  void provenanceNamesThePresetEveryOptionAndTheOverrides() throws Exception {
    Path out = dir.resolve("out");
    Run r = sscam("explain", exampleImage().toString(), "--method", "score-cam", "--baseline", "subtract", "--json", "-q",
        "-o", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode options = new ObjectMapper().readTree(r.out().trim()).get("options");
    assertThat(options.get("preset").asText()).isEqualTo("authors");
    assertThat(options.get("baseline").asText()).isEqualTo("subtract");
    assertThat(options.get("overrides").asText()).isEqualTo("baseline");
    for (String option : dev.sscam.cam.Reading.OPTIONS) {
      assertThat(options.has(option)).as(option).isTrue();
    }
  }

  @Test
  void aZeroMapIsReportedAndDrawnNotNaN() throws Exception {
    // Activations are ReLU(0·x) = 0: every method's map is zero everywhere.
    OnnxGraphBuilder b = new OnnxGraphBuilder("zero").opset(13);
    b.input("input", -1, 3, 32, 32);
    b.initializer("w", new float[3 * 2], 2, 3, 1, 1);
    b.initializer("fc", new float[] {1, 2, 3, 4}, 2, 2);
    b.node("Conv").name("/features/Conv").inputs("input", "w").outputs("c").add();
    b.node("Relu").name("/features/Relu").inputs("c").outputs("a").add();
    b.node("GlobalAveragePool").name("/pool").inputs("a").outputs("p").add();
    b.node("Flatten").name("/flat").inputs("p").outputs("f").add();
    b.node("Gemm").name("/fc").inputs("f", "fc").outputs("logits").attrInt("transB", 1).add();
    b.output("logits");
    Path model = dir.resolve("zero.onnx");
    Files.write(model, b.build().toByteArray());
    Path out = dir.resolve("out");
    Run r = sscam("explain", exampleImage().toString(), "--model", model.toString(), "--method", "score-cam,grad-cam", "--npy", "--json", "-o", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    for (String line : r.out().lines().toList()) {
      assertThat(new ObjectMapper().readTree(line).get("all_zero").asBoolean()).isTrue();
    }
    float[] e = Npy.read(out.resolve("FS2026_val_00000002.score-cam.npy")).data();
    assertThat(e).containsOnly(0f);
  }

  @Test
  void errorsAreOneLineWithNonZeroExitAndNoOutputFile() throws Exception {
    Path notImage = dir.resolve("notes.png");
    Files.writeString(notImage, "hello");
    Path truncated = dir.resolve("cut.jpg");
    byte[] jpeg = Files.readAllBytes(exampleImage());
    Files.write(truncated, Arrays.copyOf(jpeg, jpeg.length / 2));
    Path notOnnx = dir.resolve("model.onnx");
    Files.writeString(notOnnx, "not a model");
    Path cutOnnx = dir.resolve("cut.onnx");
    byte[] model = Files.readAllBytes(BundledExample.model());
    Files.write(cutOnnx, Arrays.copyOf(model, model.length / 3));
    String img = exampleImage().toString();
    Object[][] cases = {
        {new String[] {"explain", dir.resolve("missing.jpg").toString()}, "not found"},
        {new String[] {"explain", notImage.toString()}, "not an image"},
        {new String[] {"explain", truncated.toString()}, "truncated"},
        {new String[] {"explain", img, "--model", notOnnx.toString()}, "not an ONNX model"},
        {new String[] {"explain", img, "--model", cutOnnx.toString()}, "ONNX model"},
        {new String[] {"explain", img, "--model", dir.resolve("none.onnx").toString()}, "model file not found"},
        {new String[] {"explain", img, "--layer", "features.99"}, "unknown layer 'features.99'"},
        {new String[] {"explain", img, "--class", "10", "--method", "grad-cam"}, "out of range"},
        {new String[] {"explain", img, "--samples", "0"}, "samples"},
        {new String[] {"explain", img, "--sigma", "-1"}, "sigma"},
        {new String[] {"explain", img, "--fast-tolerance", "-0.1"}, "fast tolerance must be a finite number >= 0"},
        {new String[] {"explain", img, "--fast-tolerance", "NaN"}, "fast tolerance must be a finite number >= 0"},
        {new String[] {"explain", img, "--method", "magic-cam"}, "unknown method"},
        {new String[] {"predict", dir.resolve("missing.jpg").toString()}, "not found"},
    };
    for (Object[] c : cases) {
      Path out = dir.resolve("out-" + Math.abs(Arrays.hashCode((String[]) c[0])));
      String[] args = Stream.concat(Arrays.stream((String[]) c[0]), Stream.of("-o", out.toString()))
          .toArray(String[]::new);
      if (((String[]) c[0])[0].equals("predict")) {
        args = (String[]) c[0];
      }
      Run r = sscam(args);
      assertThat(r.code()).as(String.join(" ", args)).isEqualTo(1);
      assertThat(r.err().trim().lines()).as(r.err()).hasSize(1);
      assertThat(r.err()).startsWith("sscam: ").containsIgnoringCase((String) c[1]);
      if (Files.exists(out)) {
        try (Stream<Path> files = Files.list(out)) {
          assertThat(files).as("no output for " + String.join(" ", args)).isEmpty();
        }
      }
    }
    Run verbose = sscam("explain", dir.resolve("missing.jpg").toString(), "--verbose", "-o", dir.resolve("v").toString());
    assertThat(verbose.err()).contains("at dev.sscam");
  }
}
