package dev.sscam.study;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class EqualLengthPngsTest {
  /** A 64 × 48 image, smooth with {@code noise} random pixels (more noise: a longer PNG). */
  private static BufferedImage image(int noise, long seed) {
    BufferedImage i = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
    Random r = new Random(seed);
    for (int y = 0; y < 48; y++) {
      for (int x = 0; x < 64; x++) {
        i.setRGB(x, y, (x * 4) << 16 | (y * 5) << 8 | 80);
      }
    }
    for (int k = 0; k < noise; k++) {
      i.setRGB(r.nextInt(64), r.nextInt(48), r.nextInt(1 << 24));
    }
    return i;
  }

  private static byte[] png(BufferedImage i) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(i, "png", out);
    return out.toByteArray();
  }

  private static int[] pixels(byte[] png) throws Exception {
    BufferedImage i = ImageIO.read(new ByteArrayInputStream(png));
    return i.getRGB(0, 0, i.getWidth(), i.getHeight(), null, 0, i.getWidth());
  }

  /**
   * Thirty images of different compressibility (so the gaps to the longest take every remainder modulo 5
   * and 12): all come out the same length, still plain IHDR/IDAT/IEND PNGs, pixel for pixel the same.
   */
  @Test
  void equalLengthSamePixels() throws Exception {
    List<byte[]> in = new ArrayList<>();
    for (int k = 0; k < 30; k++) {
      in.add(png(image(k * 7, k)));
    }
    Set<Integer> before = new HashSet<>();
    in.forEach(b -> before.add(b.length));
    assertThat(before).hasSizeGreaterThan(20);
    List<byte[]> out = EqualLengthPngs.of(in);
    Set<Integer> after = new HashSet<>();
    out.forEach(b -> after.add(b.length));
    assertThat(after).hasSize(1);
    for (int k = 0; k < in.size(); k++) {
      assertThat(pixels(out.get(k))).isEqualTo(pixels(in.get(k)));
      assertThat(PngChunks.of(out.get(k))).startsWith("IHDR").endsWith("IEND").containsOnly("IHDR", "IDAT", "IEND");
    }
  }

  /** Images that re-encode to one length already are not lengthened; a single image is just re-encoded. */
  @Test
  void equalImagesNeedNoPadding() throws Exception {
    byte[] a = png(image(10, 1));
    List<byte[]> out = EqualLengthPngs.of(List.of(a, a.clone()));
    assertThat(out.get(0)).isEqualTo(out.get(1));
    assertThat(EqualLengthPngs.of(List.of(a)).get(0).length).isEqualTo(out.get(0).length);
    assertThat(pixels(out.get(0))).isEqualTo(pixels(a));
  }
}
