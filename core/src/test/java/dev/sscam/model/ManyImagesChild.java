package dev.sscam.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A separate JVM for {@link ManyImagesInOneProcessTest}, called like {@code sscam predict}: opens
 * a model, then reads, preprocesses and classifies every image named on the command line, one
 * image per forward pass, printing {@code FILE TOP1 LOGIT} per image. Args: model, images….
 */
public final class ManyImagesChild {
  private ManyImagesChild() {}

  /** Runs the loop; the exit code is the test's verdict (a native crash ends it with 134/139). */
  public static void main(String[] args) throws IOException {
    Path model = Path.of(args[0]);
    List<Path> images = Arrays.stream(args, 1, args.length).map(Path::of).toList();
    try (OnnxClassifier m = OnnxClassifier.open(model, 1, 1)) {
      for (Path image : images) {
        float[] z = m.logits(m.card().preprocessing().apply(image), 1)[0];
        int top = ManyImagesInOneProcessTest.argmax(z);
        System.out.println(image.getFileName() + " " + top + " " + z[top]);
      }
    }
    System.out.flush();
  }
}
