package dev.sscam.render;

import dev.sscam.SscamException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import javax.imageio.ImageIO;

/** Writes PNG files atomically: a temp file in the target folder, then a move over the target. */
public final class PngWriter {
  private PngWriter() {}

  /** Writes {@code image} as PNG to {@code file}, creating missing parent folders. */
  public static void write(BufferedImage image, Path file) {
    Path target = file.toAbsolutePath();
    Path tmp = null;
    try {
      Files.createDirectories(target.getParent());
      tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
      if (!ImageIO.write(image, "png", tmp.toFile())) {
        throw new SscamException("No PNG writer for this image type: " + file);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (IOException e) {
      throw new SscamException("Cannot write " + file + ": " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // the original error is the one worth reporting
        }
      }
    }
  }
}
