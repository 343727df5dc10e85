package dev.sscam.render;

import dev.sscam.SscamException;
import dev.sscam.io.AtomicFile;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Writes PNG files atomically ({@link AtomicFile}). */
public final class PngWriter {
  private PngWriter() {}

  /** Writes {@code image} as PNG to {@code file}, creating missing parent folders. */
  public static void write(BufferedImage image, Path file) {
    AtomicFile.write(file, out -> {
      if (!ImageIO.write(image, "png", out)) {
        throw new SscamException("no PNG writer for this image type: " + file);
      }
    });
  }
}
