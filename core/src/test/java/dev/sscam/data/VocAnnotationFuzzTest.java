package dev.sscam.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sscam.SscamException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * Any bytes read as a VOC annotation, then clipped to a 12×8 image, end in boxes inside the image
 * or an {@link SscamException}; no entity is ever expanded. Seeds: {@code
 * src/test/resources/dev/sscam/data/VocAnnotationFuzzTestInputs/readAnnotation}.
 */
class VocAnnotationFuzzTest {
  @TempDir static Path dir;

  @FuzzTest(maxDuration = "10m")
  void readAnnotation(byte[] bytes) throws IOException {
    Path file = dir.resolve("annotation.xml");
    Files.write(file, bytes);
    try {
      VocAnnotation a = VocAnnotation.read(file).clippedTo(12, 8, file);
      for (VocAnnotation.AnnotatedObject o : a.objects()) {
        var b = o.box();
        if (b.xmin() < 0 || b.ymin() < 0 || b.xmax() > 11 || b.ymax() > 7 || b.xmin() > b.xmax() || b.ymin() > b.ymax()) {
          throw new IllegalStateException("box outside the image after clipping: " + b);
        }
      }
    } catch (SscamException expected) {
      // a clear refusal is a correct outcome
    }
  }
}
