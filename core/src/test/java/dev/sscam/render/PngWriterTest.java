package dev.sscam.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PNG is lossless: every pixel comes back from ImageIO's own decoder, whatever the picture's type. */
class PngWriterTest {
  static BufferedImage picture(int type, long seed) {
    BufferedImage img = new BufferedImage(67, 41, type);
    Random r = new Random(seed);
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        // A smooth ramp with noise: the predictors have something to predict and something to miss.
        int v = (x * 3 + y * 2 + r.nextInt(9)) & 0xFF;
        img.setRGB(x, y, (v << 16) | ((255 - v) << 8) | ((v * 7) & 0xFF));
      }
    }
    return img;
  }

  @Test
  void everyPixelRoundTrips() throws IOException {
    for (int type : new int[] {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_BYTE_GRAY}) {
      BufferedImage img = picture(type, type);
      BufferedImage back = ImageIO.read(new ByteArrayInputStream(PngWriter.bytes(img)));
      assertThat(back.getWidth()).isEqualTo(67);
      assertThat(back.getHeight()).isEqualTo(41);
      for (int y = 0; y < img.getHeight(); y++) {
        for (int x = 0; x < img.getWidth(); x++) {
          assertThat(back.getRGB(x, y) & 0xFFFFFF).as("type %d at %d,%d", type, x, y).isEqualTo(img.getRGB(x, y) & 0xFFFFFF);
        }
      }
    }
  }

  @Test
  void aFileIsWrittenWholeWithNoTempFileLeft(@TempDir Path dir) throws IOException {
    BufferedImage img = picture(BufferedImage.TYPE_INT_RGB, 5);
    Path png = dir.resolve("a/b.png");
    PngWriter.write(img, png);
    assertThat(Files.readAllBytes(png)).isEqualTo(PngWriter.bytes(img));
    assertThat(ImageIO.read(png.toFile()).getRGB(10, 20)).isEqualTo(img.getRGB(10, 20));
    try (var files = Files.list(png.getParent())) {
      assertThat(files.count()).isEqualTo(1);
    }
  }
}
