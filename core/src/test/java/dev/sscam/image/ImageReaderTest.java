package dev.sscam.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.twelvemonkeys.imageio.color.ColorSpaces;
import dev.sscam.InputUnreachableException;
import dev.sscam.SscamException;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds one small file per source layout and checks the RGB against PIL's {@code
 * convert('RGB')} rules (libImaging/Convert.c, Unpack.c), derived by hand per case.
 */
class ImageReaderTest {
  @TempDir Path dir;

  private static int rgb(int r, int g, int b) {
    return (r << 16) | (g << 8) | b;
  }

  private static int at(BufferedImage image, int x, int y) {
    return image.getRGB(x, y) & 0xFFFFFF;
  }

  private Path writePng(BufferedImage image, String name) throws IOException {
    Path p = dir.resolve(name);
    assertThat(ImageIO.write(image, "png", p.toFile())).isTrue();
    return p;
  }

  @Test
  void grayPngBecomesEqualChannels() throws IOException {
    BufferedImage gray = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
    WritableRaster r = gray.getRaster();
    r.setSample(0, 0, 0, 0);
    r.setSample(1, 0, 0, 77);
    r.setSample(2, 0, 0, 255);
    BufferedImage out = ImageReader.read(writePng(gray, "g.png"));
    assertThat(out.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
    // No colour management: 77 stays 77 (BufferedImage.getRGB on a gray image would change it).
    assertThat(new int[] {at(out, 0, 0), at(out, 1, 0), at(out, 2, 0)})
        .containsExactly(rgb(0, 0, 0), rgb(77, 77, 77), rgb(255, 255, 255));
  }

  @Test
  void sixteenBitGrayClipsLikePilModeI16() throws IOException {
    BufferedImage gray = new BufferedImage(4, 1, BufferedImage.TYPE_USHORT_GRAY);
    int[] values = {100, 255, 256, 40000};
    for (int x = 0; x < 4; x++) {
      gray.getRaster().setSample(x, 0, 0, values[x]);
    }
    BufferedImage out = ImageReader.read(writePng(gray, "g16.png"));
    // PIL opens 16-bit gray as I;16; I16_RGB maps v -> v if v < 256 else 255 (clip, no scaling).
    assertThat(new int[] {at(out, 0, 0), at(out, 1, 0), at(out, 2, 0), at(out, 3, 0)})
        .containsExactly(rgb(100, 100, 100), rgb(255, 255, 255), rgb(255, 255, 255),
            rgb(255, 255, 255));
  }

  @Test
  void sixteenBitRgbKeepsHighByte() throws IOException {
    ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB),
        false, false, Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
    WritableRaster r = cm.createCompatibleWritableRaster(1, 1);
    r.setPixel(0, 0, new int[] {0x12FF, 0xAB00, 0x0080});
    BufferedImage out = ImageReader.read(writePng(new BufferedImage(cm, r, false, null), "c16.png"));
    // PIL's RGB;16B unpacker keeps the most significant byte of each sample.
    assertThat(at(out, 0, 0)).isEqualTo(rgb(0x12, 0xAB, 0x00));
  }

  @Test
  void grayAlphaDropsAlpha() throws IOException {
    ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY),
        true, false, Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
    WritableRaster r = cm.createCompatibleWritableRaster(2, 1);
    r.setPixel(0, 0, new int[] {90, 0});
    r.setPixel(1, 0, new int[] {200, 128});
    BufferedImage out = ImageReader.read(writePng(new BufferedImage(cm, r, false, null), "la.png"));
    assertThat(new int[] {at(out, 0, 0), at(out, 1, 0)})
        .containsExactly(rgb(90, 90, 90), rgb(200, 200, 200));
  }

  @Test
  void rgbaDropsAlphaWithoutCompositing() throws IOException {
    BufferedImage rgba = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
    rgba.setRGB(0, 0, 0x00_C8_64_32); // fully transparent: colour must survive
    rgba.setRGB(1, 0, 0x80_10_20_30);
    BufferedImage out = ImageReader.read(writePng(rgba, "rgba.png"));
    assertThat(new int[] {at(out, 0, 0), at(out, 1, 0)})
        .containsExactly(rgb(200, 100, 50), rgb(0x10, 0x20, 0x30));
  }

  private static IndexColorModel palette() {
    byte[] r = {(byte) 255, 0, 12};
    byte[] g = {0, (byte) 128, 34};
    byte[] b = {0, 0, 56};
    return new IndexColorModel(8, 3, r, g, b);
  }

  @Test
  void paletteLooksUpColours() throws IOException {
    BufferedImage p = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_INDEXED, palette());
    for (int x = 0; x < 3; x++) {
      p.getRaster().setSample(x, 0, 0, 2 - x);
    }
    BufferedImage out = ImageReader.read(writePng(p, "p.png"));
    assertThat(new int[] {at(out, 0, 0), at(out, 1, 0), at(out, 2, 0)})
        .containsExactly(rgb(12, 34, 56), rgb(0, 128, 0), rgb(255, 0, 0));
  }

  @Test
  void bmpIsRead() throws IOException {
    BufferedImage bgr = new BufferedImage(2, 2, BufferedImage.TYPE_3BYTE_BGR);
    bgr.setRGB(0, 0, 0x0A141E);
    bgr.setRGB(1, 1, 0xF0E0D0);
    Path p = dir.resolve("x.bmp");
    assertThat(ImageIO.write(bgr, "bmp", p.toFile())).isTrue();
    BufferedImage out = ImageReader.read(p);
    assertThat(at(out, 0, 0)).isEqualTo(0x0A141E);
    assertThat(at(out, 1, 1)).isEqualTo(0xF0E0D0);
  }

  private Path writeJpeg(BufferedImage image, String name, boolean progressive) throws IOException {
    Path p = dir.resolve(name);
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
    ImageWriter w = writers.next();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(p.toFile())) {
      w.setOutput(out);
      ImageWriteParam param = w.getDefaultWriteParam();
      if (progressive) {
        param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      } else {
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.95f);
      }
      w.write(null, new IIOImage(image, null, null), param);
    } finally {
      w.dispose();
    }
    return p;
  }

  private static BufferedImage gradient(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, rgb(x * 255 / (w - 1), y * 255 / (h - 1), 128));
      }
    }
    return img;
  }

  private static void assertClose(BufferedImage actual, BufferedImage expected, int levels) {
    assertThat(actual.getWidth()).isEqualTo(expected.getWidth());
    assertThat(actual.getHeight()).isEqualTo(expected.getHeight());
    int worst = 0;
    for (int y = 0; y < expected.getHeight(); y++) {
      for (int x = 0; x < expected.getWidth(); x++) {
        int a = actual.getRGB(x, y);
        int e = expected.getRGB(x, y);
        for (int s = 0; s <= 16; s += 8) {
          worst = Math.max(worst, Math.abs(((a >> s) & 0xFF) - ((e >> s) & 0xFF)));
        }
      }
    }
    assertThat(worst).as("largest channel difference").isLessThanOrEqualTo(levels);
  }

  @Test
  void baselineAndProgressiveJpegDecodeToTheSource() throws IOException {
    BufferedImage src = gradient(64, 48);
    Path baseline = writeJpeg(src, "b.jpg", false);
    Path progressive = writeJpeg(src, "p.jpg", true);
    assertThat(Files.readAllBytes(progressive)).as("SOF2 marker (progressive)")
        .satisfies(bytes -> assertThat(indexOf(bytes, (byte) 0xFF, (byte) 0xC2)).isPositive());
    // Smooth content, high quality: lossy coding moves a channel by a few levels at most.
    assertClose(ImageReader.read(baseline), src, 8);
    assertClose(ImageReader.read(progressive), src, 12);
  }

  @Test
  void cmykJpegUsesPilsNaiveConversion() throws IOException {
    // TwelveMonkeys writes CMYK with an Adobe marker and inverted samples, as Photoshop does.
    ColorSpace cmyk = ColorSpaces.getColorSpace(ColorSpaces.CS_GENERIC_CMYK);
    ComponentColorModel cm =
        new ComponentColorModel(cmyk, false, false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
    WritableRaster r = cm.createCompatibleWritableRaster(16, 16);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        r.setPixel(x, y, new int[] {200, 60, 30, 100});
      }
    }
    Path p = dir.resolve("cmyk.jpg");
    ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
    assertThat(w.getClass().getName()).contains("twelvemonkeys");
    try (ImageOutputStream out = ImageIO.createImageOutputStream(p.toFile())) {
      w.setOutput(out);
      ImageWriteParam param = w.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(1f);
      w.write(null, new IIOImage(new BufferedImage(cm, r, false, null), null, null), param);
    } finally {
      w.dispose();
    }
    // PIL: nk = 255 - K = 155; R = 155 - round(200*155/255) = 155 - 122 = 33;
    // G = 155 - round(60*155/255) = 155 - 36 = 119; B = 155 - round(30*155/255) = 155 - 18 = 137.
    // (An ICC-managed conversion, what ImageIO itself returns, gives different numbers.)
    BufferedImage out = ImageReader.read(p);
    int px = at(out, 8, 8);
    assertThat(new int[] {px >> 16, (px >> 8) & 0xFF, px & 0xFF})
        .satisfies(c -> assertThat(Arrays.stream(new int[] {
            Math.abs(c[0] - 33), Math.abs(c[1] - 119), Math.abs(c[2] - 137)}).max().getAsInt())
            .isLessThanOrEqualTo(1));
  }

  @Test
  void exifOrientationIsNotApplied() throws IOException {
    // PIL's Image.open ignores EXIF orientation, so a plain file's geometry is kept as stored.
    BufferedImage src = gradient(40, 20);
    BufferedImage out = ImageReader.read(writeJpeg(src, "o.jpg", false));
    assertThat(out.getWidth()).isEqualTo(40);
    assertThat(out.getHeight()).isEqualTo(20);
  }

  private static int indexOf(byte[] bytes, byte a, byte b) {
    for (int i = 0; i + 1 < bytes.length; i++) {
      if (bytes[i] == a && bytes[i + 1] == b) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void missingFileIsAClearError() {
    Path p = dir.resolve("nope.png");
    // the environment's fault, not the file's: typed apart from content errors
    assertThatThrownBy(() -> ImageReader.read(p))
        .isInstanceOf(InputUnreachableException.class)
        .hasMessageContaining("not found")
        .hasMessageContaining("nope.png");
    assertThatThrownBy(() -> ImageReader.read(dir))
        .isInstanceOf(InputUnreachableException.class)
        .hasMessageContaining("Not a readable file");
  }

  @Test
  void textNamedPngIsNotAnImage() throws IOException {
    Path p = dir.resolve("fake.png");
    Files.writeString(p, "hello, I am not a picture\n");
    assertThatThrownBy(() -> ImageReader.read(p))
        .isInstanceOf(SscamException.class)
        .isNotInstanceOf(InputUnreachableException.class)
        .hasMessageContaining("Not an image")
        .hasMessageContaining("fake.png");
  }

  @Test
  void emptyFileIsAClearError() throws IOException {
    Path p = dir.resolve("empty.jpg");
    Files.write(p, new byte[0]);
    assertThatThrownBy(() -> ImageReader.read(p))
        .isInstanceOf(SscamException.class)
        .isNotInstanceOf(InputUnreachableException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void truncatedJpegIsAnErrorNotGrey() throws IOException {
    Path whole = writeJpeg(gradient(128, 96), "whole.jpg", false);
    byte[] bytes = Files.readAllBytes(whole);
    Path half = dir.resolve("half.jpg");
    Files.write(half, Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(() -> ImageReader.read(half))
        .isInstanceOf(SscamException.class)
        .isNotInstanceOf(InputUnreachableException.class)
        .hasMessageContaining("truncated")
        .hasMessageContaining("half.jpg")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void truncatedPngIsAnError() throws IOException {
    Path whole = writePng(gradient(128, 96), "whole.png");
    byte[] bytes = Files.readAllBytes(whole);
    Path half = dir.resolve("half.png");
    Files.write(half, Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(() -> ImageReader.read(half))
        .isInstanceOf(SscamException.class)
        .isNotInstanceOf(InputUnreachableException.class)
        .hasMessageContaining("half.png");
  }

  @Test
  void decompressionBombIsRefusedBeforeDecoding() throws IOException {
    Path bomb = dev.sscam.testing.HostileFiles.pngDeclaring(dir, "bomb.png", 100_000, 100_000);
    assertThat(Files.size(bomb)).isLessThan(1000);
    assertThatThrownBy(() -> ImageReader.read(bomb))
        .isInstanceOf(ImageTooLargeException.class)
        .hasMessage("PNG image " + bomb + " declares 100000x100000 pixels, over the limit of 89478485"
            + " (a decompression bomb or a corrupt header)");
    // just under the limit the header passes (the missing pixel data is then the error)
    Path big = dev.sscam.testing.HostileFiles.pngDeclaring(dir, "big.png", 9000, 9000);
    assertThatThrownBy(() -> ImageReader.read(big, 1_000_000)).hasMessageContaining("over the limit of 1000000");
  }

  @Test
  void onePixelImageIsReadAndPreprocessed() throws IOException {
    BufferedImage one = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    one.setRGB(0, 0, rgb(255, 0, 51));
    BufferedImage out = ImageReader.read(writePng(one, "one.png"));
    float[] x = Preprocessing.imagenet().apply(out);
    // a constant image stays constant under bilinear resizing: every pixel is (255, 0, 51)
    assertThat(x[0]).isEqualTo((1f - 0.485f) / 0.229f);
    assertThat(x[224 * 224 + 1000]).isEqualTo((0f - 0.456f) / 0.224f);
    assertThat(x[2 * 224 * 224 + 50175]).isEqualTo((0.2f - 0.406f) / 0.225f);
  }

  @Test
  void paletteWithTransparencyDropsAlpha() throws IOException {
    BufferedImage out = ImageReader.read(dev.sscam.testing.HostileFiles.paletteWithTransparency(dir, "pa.png"));
    // PIL's convert('RGB') on mode P ignores tRNS: the palette colours, never composited
    assertThat(new int[] {at(out, 0, 0), at(out, 1, 0), at(out, 2, 1)})
        .containsExactly(rgb(0, 0, 0), rgb(255, 0, 0), rgb(10, 20, 30));
  }

  @Test
  void gifGivesFirstFrame() throws IOException {
    BufferedImage out = ImageReader.read(dev.sscam.testing.HostileFiles.animatedGif(dir, "anim2.gif"));
    assertThat(at(out, 8, 8)).isEqualTo(rgb(255, 0, 0));
  }

  @Test
  void exifRotationIsIgnoredAsTorchvisionDoes() throws IOException {
    Path p = dev.sscam.testing.HostileFiles.exifRotatedJpeg(dir, "rotated.jpg");
    assertThat(new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.ISO_8859_1)).contains("Exif");
    BufferedImage out = ImageReader.read(p);
    // orientation 6 would display it 20 wide and 40 high with red on top; stored: 40x20, red left
    assertThat(out.getWidth()).isEqualTo(40);
    assertThat(out.getHeight()).isEqualTo(20);
    int left = at(out, 5, 10);
    int right = at(out, 35, 10);
    assertThat(left >> 16).isGreaterThan(200);
    assertThat(right & 0xFF).isGreaterThan(200);
  }

  @Test
  void textNamedJpgIsNotAnImage() throws IOException {
    Path p = dev.sscam.testing.HostileFiles.text(dir, "holiday.jpg");
    assertThatThrownBy(() -> ImageReader.read(p))
        .isInstanceOf(SscamException.class)
        .hasMessage("Not an image in a supported format (JPEG, PNG, BMP, GIF): " + p);
  }
}
