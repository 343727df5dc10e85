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
    BufferedImage img = new BufferedImage(3, 1, BufferedImage.TYPE_USHORT_GRAY);
    img.getRaster().setSample(0, 0, 0, 32767);
    img.getRaster().setSample(1, 0, 0, 32768);
    img.getRaster().setSample(2, 0, 0, 65535);
    Path file = dir.resolve("m16.png");
    ImageIO.write(img, "png", file.toFile());
    ObjectMask mask = ObjectMask.read(file);
    assertThat(mask.width()).isEqualTo(3);
    assertThat(mask.pixels()).containsExactly(false, true, true);
  }

  @Test
  void eightBitGreyMaskIsThresholdedAt128() throws Exception {
    BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
    img.getRaster().setSample(0, 0, 0, 127);
    img.getRaster().setSample(1, 0, 0, 128);
    img.getRaster().setSample(0, 1, 0, 255);
    Path file = dir.resolve("m8.png");
    ImageIO.write(img, "png", file.toFile());
    assertThat(ObjectMask.read(file).pixels()).containsExactly(false, true, true, false);
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
