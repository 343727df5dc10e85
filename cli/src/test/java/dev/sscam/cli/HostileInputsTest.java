package dev.sscam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sscam.testing.HostileFiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8 section 3 through the command line: each hostile image, model and {@code .npy} file is
 * exit code 1 with exactly one line on stderr, {@code sscam: } followed by a message naming the
 * file and the problem, and no stack trace; the unusual-but-valid images are read (exit 0). A
 * usage mistake is exit code 2. Every message is also printed, for the record.
 */
class HostileInputsTest {
  @TempDir static Path dir;
  static Path tiny;

  record Run(int code, String out, String err) {}

  @BeforeAll
  static void tinyModel() throws Exception {
    tiny = HostileFiles.model(dir, "tiny.onnx", HostileFiles.tinyClassifier(13).build());
  }

  static Run sscam(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  /** Runs {@code args}, expects exit 1 and one line naming {@code file} and containing {@code problem}. */
  static void refused(String name, Path file, String problem, String... args) {
    Run r = sscam(args);
    System.out.println("hostile case [" + name + "] exit " + r.code() + ": " + r.err().strip());
    assertThat(r.code()).as(name + ": " + r.err()).isEqualTo(1);
    List<String> lines = r.err().lines().toList();
    assertThat(lines).as(name).hasSize(1);
    assertThat(lines.get(0)).as(name)
        .startsWith("sscam: ")
        .contains(file.toString())
        .contains(problem)
        .doesNotContain("Exception")
        .doesNotContain("internal error");
  }

  static void predicted(String name, Path image) {
    Run r = sscam("predict", "-m", tiny.toString(), "--top", "1", "--threads", "1", image.toString());
    System.out.println("hostile case [" + name + "] exit " + r.code() + ": " + r.out().strip().replace('\n', ' '));
    assertThat(r.code()).as(name + ": " + r.err()).isZero();
    assertThat(r.err()).as(name).isEmpty();
  }

  static String[] predict(Path image) {
    return new String[] {"predict", "-m", tiny.toString(), "--top", "1", "--threads", "1", image.toString()};
  }

  @Test
  void brokenImagesAreOneLineErrors() throws Exception {
    Path empty = HostileFiles.zeroBytes(dir, "empty.jpg");
    refused("zero-byte image", empty, "is empty (0 bytes)", predict(empty));
    Path jpeg = HostileFiles.truncated(dir, "cut.jpg", "jpg");
    refused("truncated JPEG", jpeg, "Corrupt or truncated JPEG image", predict(jpeg));
    Path png = HostileFiles.truncated(dir, "cut.png", "png");
    refused("truncated PNG", png, "Corrupt or truncated PNG image", predict(png));
    Path text = HostileFiles.text(dir, "notes.jpg");
    refused("text named .jpg", text, "Not an image in a supported format", predict(text));
    Path bomb = HostileFiles.pngDeclaring(dir, "bomb.png", 100_000, 100_000);
    refused("PNG declaring 100,000 x 100,000", bomb, "declares 100000x100000 pixels, over the limit of 89478485",
        predict(bomb));
  }

  @Test
  void unusualButValidImagesAreRead() throws Exception {
    java.awt.image.BufferedImage one = new java.awt.image.BufferedImage(1, 1, java.awt.image.BufferedImage.TYPE_INT_RGB);
    predicted("1x1 pixel", HostileFiles.image(dir, "one.png", one, "png"));
    java.awt.image.BufferedImage g16 =
        new java.awt.image.BufferedImage(5, 4, java.awt.image.BufferedImage.TYPE_USHORT_GRAY);
    predicted("16-bit gray PNG", HostileFiles.image(dir, "gray16.png", g16, "png"));
    predicted("palette with transparency", HostileFiles.paletteWithTransparency(dir, "pal.png"));
    predicted("animated GIF", HostileFiles.animatedGif(dir, "anim.gif"));
    predicted("EXIF-rotated JPEG", HostileFiles.exifRotatedJpeg(dir, "exif.jpg"));
    predicted("CMYK JPEG", cmykJpeg());
  }

  private static Path cmykJpeg() throws Exception {
    var cmyk = com.twelvemonkeys.imageio.color.ColorSpaces.getColorSpace(
        com.twelvemonkeys.imageio.color.ColorSpaces.CS_GENERIC_CMYK);
    var cm = new java.awt.image.ComponentColorModel(cmyk, false, false, java.awt.Transparency.OPAQUE,
        java.awt.image.DataBuffer.TYPE_BYTE);
    var raster = cm.createCompatibleWritableRaster(16, 16);
    var image = new java.awt.image.BufferedImage(cm, raster, false, null);
    Path p = dir.resolve("cmyk.jpg");
    var w = javax.imageio.ImageIO.getImageWritersByFormatName("jpeg").next();
    try (var out = javax.imageio.ImageIO.createImageOutputStream(p.toFile())) {
      w.setOutput(out);
      w.write(null, new javax.imageio.IIOImage(image, null, null), w.getDefaultWriteParam());
    } finally {
      w.dispose();
    }
    return p;
  }

  @Test
  void brokenModelsAreOneLineErrors() throws Exception {
    List<Object[]> cases = new ArrayList<>();
    Path models = Files.createDirectories(dir.resolve("models"));
    cases.add(new Object[] {"not ONNX", Files.writeString(models.resolve("notes.onnx"), "hello"), "not an ONNX model"});
    cases.add(new Object[] {"truncated", HostileFiles.truncatedModel(models, "half.onnx"), "not an ONNX model (or a truncated one)"});
    cases.add(new Object[] {"external data missing",
        HostileFiles.externalDataModel(models, "gone.onnx", "gone.onnx.data", -1), "missing external data file"});
    cases.add(new Object[] {"external data truncated",
        HostileFiles.externalDataModel(models, "cut.onnx", "cut.onnx.data", 12), "is truncated"});
    cases.add(new Object[] {"external data outside its folder",
        HostileFiles.externalDataModel(models, "escape.onnx", "../outside.data", 40), "outside the model's folder"});
    cases.add(new Object[] {"opset 8", HostileFiles.model(models, "old.onnx", HostileFiles.tinyClassifier(8).build()),
        "uses ONNX opset 8; sscam supports opsets 9 to 21"});
    cases.add(new Object[] {"opset 22", HostileFiles.model(models, "new.onnx", HostileFiles.tinyClassifier(22).build()),
        "uses ONNX opset 22"});
    cases.add(new Object[] {"cycle", HostileFiles.model(models, "cycle.onnx", HostileFiles.cyclicModel()),
        "the graph has a cycle"});
    cases.add(new Object[] {"dangling input", HostileFiles.model(models, "dangling.onnx", HostileFiles.danglingModel()),
        "reads 'ghost_scale', which no node, graph input or initializer provides"});
    cases.add(new Object[] {"dimension 10^9", HostileFiles.model(models, "huge.onnx", HostileFiles.absurdDimensionModel()),
        "declares dimension 1000000000"});
    for (Object[] c : cases) {
      Path model = (Path) c[1];
      refused("model: " + c[0], model, (String) c[2], "layers", "-m", model.toString());
    }
  }

  @Test
  void brokenTensorsAreOneLineErrors() throws Exception {
    String f4 = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 16, 16), }";
    byte[] data = new byte[4 * 3 * 16 * 16];
    List<Object[]> cases = new ArrayList<>();
    cases.add(new Object[] {"wrong dtype", HostileFiles.npy(dir, "ints.npy", f4.replace("<f4", "<i4"), data),
        "Unsupported .npy dtype '<i4'"});
    cases.add(new Object[] {"wrong shape", HostileFiles.npyTensor(dir, "hwc.npy", 16, 16, 3),
        "has shape [16, 16, 3]; the model takes 3x16x16"});
    cases.add(new Object[] {"Fortran order", HostileFiles.npy(dir, "fortran.npy", f4.replace("False", "True"), data),
        "Fortran-order .npy arrays are not supported"});
    cases.add(new Object[] {"truncated data",
        HostileFiles.npy(dir, "cut.npy", f4, java.util.Arrays.copyOf(data, 100)), "Truncated .npy data"});
    cases.add(new Object[] {"header lying about its length",
        Files.write(dir.resolve("liar.npy"), HostileFiles.npyBytes(f4, data, 12)), "its length field declares"});
    for (Object[] c : cases) {
      Path npy = (Path) c[1];
      refused(".npy: " + c[0], npy, (String) c[2], "explain", "-m", tiny.toString(), "--threads", "1", "-q",
          "-o", dir.resolve("out").toString(), "--input-tensor", npy.toString());
    }
  }

  @Test
  void usageMistakesAreExitCodeTwo() {
    Run r = sscam("predict", "-m", tiny.toString(), "--top", "many", "x.jpg");
    System.out.println("hostile case [usage: --top many] exit " + r.code() + ": " + r.err().lines().findFirst().orElse(""));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--top").doesNotContain("Exception");
  }

  @Test
  void verboseAddsTheStackTrace() throws Exception {
    Path text = HostileFiles.text(dir, "verbose.jpg");
    Run r = sscam("predict", "-m", tiny.toString(), "--verbose", text.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("\tat dev.sscam.");
  }
}
