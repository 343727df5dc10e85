package dev.sscam.serve;

import dev.sscam.SscamException;
import dev.sscam.image.ImageReader;
import dev.sscam.image.ImageTooLargeException;
import dev.sscam.image.Preprocessing;
import dev.sscam.model.ModelCard;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An uploaded image as the model sees it: the resized RGB picture (for overlays) and the preprocessed
 * tensor. Decoded by the library's {@link ImageReader} from a private temporary file, the very path the
 * command line takes, so that a map of the upload equals {@code sscam explain}'s map of the same file.
 *
 * @param picture the image resized to the model's input
 * @param tensor the preprocessed input, 3×H×W
 */
record DecodedImage(BufferedImage picture, float[] tensor) {
  /**
   * Decodes {@code bytes} for {@code card}: 413 over {@code maxPixels} (checked from the header, before
   * decoding), 400 when they are no image sscam can read.
   */
  static DecodedImage of(byte[] bytes, ModelCard card, long maxPixels, Path scratch) {
    Path file = null;
    try {
      file = Files.createTempFile(scratch, "upload-", ".img");
      Files.write(file, bytes);
      BufferedImage read;
      try {
        read = ImageReader.read(file, maxPixels);
      } catch (ImageTooLargeException e) {
        throw ApiError.tooLarge(anonymous(e.getMessage(), file));
      } catch (SscamException e) {
        throw ApiError.badRequest(anonymous(e.getMessage(), file));
      }
      Preprocessing pre = card.preprocessing();
      BufferedImage resized = pre.resize(read);
      return new DecodedImage(resized, pre.normalize(resized));
    } catch (IOException e) {
      throw new SscamException("cannot store the upload in " + scratch + ": " + e.getMessage(), e);
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException ignored) {
          // the scratch folder is removed when the server stops
        }
      }
    }
  }

  /** The reader's message without the server's temporary path, which the client has no use for. */
  private static String anonymous(String message, Path file) {
    return message.replace(" " + file + ":", ":").replace(" " + file, "").replace(file.toString(), "the image");
  }
}
