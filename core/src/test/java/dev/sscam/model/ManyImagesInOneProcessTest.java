package dev.sscam.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression test for ONNX Runtime 1.29.0, which killed {@code sscam predict} on about 48 images
 * (exit 139, SIGSEGV, no {@code hs_err} file). Its Linux native library reads
 * {@code /proc/self/cmdline} while creating the environment and recurses over it: with a command
 * line longer than about 4 KB (48 image paths) the recursion overflows the 1 MB Java thread stack
 * ({@code -Xss8m} only moves the limit). A child JVM is started the way {@code sscam predict
 * *.jpg} is, with 200 image paths (about 12 KB) on its command line and a small heap (many
 * collections); it opens the bundled SqueezeNet and classifies the images one by one. It must
 * exit 0 with, for every image, the top-1 class and logit this JVM computes for it.
 */
class ManyImagesInOneProcessTest {
  static final Path MODEL = Path.of("..", "examples", "models", "squeezenet1_0.onnx");
  private static final int DISTINCT = 20;
  private static final int REPEATS = 10;

  @TempDir Path tmp;

  @Test
  void twoHundredImagesOnTheCommandLineExitZeroWithTheSameTopClass() throws Exception {
    Path images = Files.createDirectories(tmp.resolve("images"));
    writeJpegs(images);
    Path log = tmp.resolve("child.log");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx64m", "-cp",
        System.getProperty("java.class.path"), ManyImagesChild.class.getName(), MODEL.toString()));
    for (int i = 0; i < DISTINCT * REPEATS; i++) {
      command.add(images.resolve(name(i % DISTINCT)).toString());
    }
    assertThat(String.join(" ", command).length()).as("command line length").isGreaterThan(8192);
    Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean ended = child.waitFor(5, TimeUnit.MINUTES);
    if (!ended) {
      child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    List<String> lines = Files.readAllLines(log);
    assertThat(ended).as("child ended; its output: %s", tail(lines)).isTrue();
    assertThat(child.exitValue()).as("child exit code (139 = SIGSEGV); its output: %s", tail(lines)).isZero();

    Map<String, float[]> reference = new HashMap<>();
    try (OnnxClassifier m = OnnxClassifier.open(MODEL, 1, 1)) {
      try (var files = Files.list(images)) {
        for (Path f : files.toList()) {
          reference.put(f.getFileName().toString(), m.logits(m.card().preprocessing().apply(f), 1)[0]);
        }
      }
    }
    List<String> predictions = lines.stream().filter(l -> l.matches("\\S+\\.jpg \\d+ \\S+")).toList();
    assertThat(predictions).as("one line per image; child output: %s", tail(lines)).hasSize(DISTINCT * REPEATS);
    for (String line : predictions) {
      String[] f = line.split(" ");
      float[] z = reference.get(f[0]);
      int top = argmax(z);
      assertThat(Integer.parseInt(f[1])).as(line).isEqualTo(top);
      assertThat(Double.parseDouble(f[2])).as(line).isCloseTo(z[top], within(1e-4));
    }
  }

  /** Writes {@link #DISTINCT} seeded 320×240 JPEGs (smooth colour ramps plus noise). */
  private static void writeJpegs(Path dir) throws Exception {
    Random random = new Random(8);
    for (int i = 0; i < DISTINCT; i++) {
      BufferedImage image = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
      int r0 = random.nextInt(256);
      int g0 = random.nextInt(256);
      int b0 = random.nextInt(256);
      for (int y = 0; y < 240; y++) {
        for (int x = 0; x < 320; x++) {
          int n = random.nextInt(32);
          int r = (r0 + x / 3 + n) & 0xFF;
          int g = (g0 + y / 2 + n) & 0xFF;
          int b = (b0 + (x + y) / 5) & 0xFF;
          image.setRGB(x, y, (r << 16) | (g << 8) | b);
        }
      }
      ImageIO.write(image, "jpg", dir.resolve(name(i)).toFile());
    }
  }

  private static String name(int i) {
    return String.format("image-%02d.jpg", i);
  }

  static int argmax(float[] z) {
    int best = 0;
    for (int c = 1; c < z.length; c++) {
      if (z[c] > z[best]) {
        best = c;
      }
    }
    return best;
  }

  private static String tail(List<String> lines) {
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
  }
}
