package dev.sscam.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sscam.SscamException;
import dev.sscam.testing.HostileFiles;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Object masks: the stored grey level decides, and hostile files are refused like images. */
class ObjectMaskTest {
  @TempDir Path dir;

  @Test
  void sixteenBitGreyMaskIsThresholdedAtHalfItsStoredRange() throws Exception {
    ObjectMask mask = ObjectMask.read(greyPng("m16.png", BufferedImage.TYPE_USHORT_GRAY, 3, 32767, 32768, 65535));
    assertThat(mask.width()).isEqualTo(3);
    assertThat(mask.pixels()).containsExactly(false, true, true);
  }

  @Test
  void eightBitGreyMaskIsThresholdedAt128() throws Exception {
    assertThat(ObjectMask.read(greyPng("m8.png", BufferedImage.TYPE_BYTE_GRAY, 2, 127, 128, 255, 0)).pixels())
        .containsExactly(false, true, true, false);
  }

  /** A grey PNG {@code width} pixels wide holding {@code levels} row by row. */
  private Path greyPng(String name, int type, int width, int... levels) throws Exception {
    BufferedImage img = new BufferedImage(width, levels.length / width, type);
    for (int i = 0; i < levels.length; i++) {
      img.getRaster().setSample(i % width, i / width, 0, levels[i]);
    }
    Path file = dir.resolve(name);
    ImageIO.write(img, "png", file.toFile());
    return file;
  }

  @Test
  void decompressionBombMaskIsRefusedBeforeDecoding() throws Exception {
    Path bomb = HostileFiles.pngDeclaring(dir, "bomb.png", 100_000, 100_000);
    assertThatThrownBy(() -> ObjectMask.read(bomb)).isInstanceOf(SscamException.class)
        .hasMessageStartingWith("mask: PNG image " + bomb + " declares 100000x100000 pixels");
  }

  @Test
  void notAnImageIsRefusedNamingTheFile() throws Exception {
    Path junk = Files.writeString(dir.resolve("junk.png"), "not a png");
    assertThatThrownBy(() -> ObjectMask.read(junk)).isInstanceOf(SscamException.class)
        .hasMessageContaining("mask: ").hasMessageContaining(junk.toString());
  }
}
