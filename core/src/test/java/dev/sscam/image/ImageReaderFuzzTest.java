package dev.sscam.image;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sscam.InputUnreachableException;
import dev.sscam.SscamException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * Any bytes, read as an image file and preprocessed, end in a tensor or an {@link SscamException}:
 * no other exception, no hang. Without {@code JAZZER_FUZZ} this runs over the seed corpus in
 * {@code src/test/resources/dev/sscam/image/ImageReaderFuzzTestInputs/readAndPreprocess} (one small
 * file per decoder path: PNG 8/16-bit, palette with alpha, RGBA, baseline and CMYK JPEG, BMP, GIF,
 * 1×1) plus every crash found so far; {@code mvn -Pfuzz} fuzzes it.
 */
class ImageReaderFuzzTest {
  /** Small enough that a header declaring a large image is refused instead of slowing every try. */
  private static final long FUZZ_PIXEL_LIMIT = 4_000_000;

  private static final Preprocessing SMALL =
      new Preprocessing(16, 16, Preprocessing.IMAGENET_MEAN, Preprocessing.IMAGENET_STD);

  @TempDir static Path dir;

  @FuzzTest(maxDuration = "10m")
  void readAndPreprocess(byte[] bytes) throws IOException {
    Path file = dir.resolve("input.img");
    Files.write(file, bytes);
    try {
      BufferedImage image = ImageReader.read(file, FUZZ_PIXEL_LIMIT);
      float[] x = SMALL.apply(image);
      if (x.length != 3 * 16 * 16) {
        throw new IllegalStateException("tensor of length " + x.length);
      }
    } catch (InputUnreachableException e) {
      // the file is there and readable: whatever its bytes, a refusal is about content, never the path
      throw new IllegalStateException("bad content reported as an unreachable file: " + e.getMessage(), e);
    } catch (SscamException expected) {
      // a clear refusal is a correct outcome
    }
  }
}
