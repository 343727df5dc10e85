package dev.sscam.study;

import dev.sscam.cam.CamOptions;
import dev.sscam.cam.Methods;
import dev.sscam.model.OnnxClassifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A small real study of the bundled example (SqueezeNet1.0, three FashionScenes images, the three cheap
 * gradient methods), created once per test JVM and copied for each test that changes it.
 */
final class TestStudies {
  static final List<String> METHODS = List.of("grad-cam", "grad-cam++", "smooth-grad-cam++");
  static final int IMAGES = 3;

  private static Path template;

  private TestStudies() {}

  static Path project() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("examples/models"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("examples/ not found above " + Path.of("").toAbsolutePath());
    }
    return p;
  }

  static Path model() {
    return project().resolve("examples/models/squeezenet1_0.onnx");
  }

  static List<Path> images() {
    Path dir = project().resolve("examples/fashion-scenes-mini/val/images");
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".JPEG")).sorted().limit(IMAGES).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fresh copy of the shared small study in {@code dir}. */
  static synchronized Path copy(Path dir) throws IOException {
    if (template == null) {
      Path t = Files.createTempDirectory("sscam-study-template").resolve("study");
      try (OnnxClassifier m = OnnxClassifier.open(model(), 4, 1)) {
        StudyCreation.create(m, images(), Methods.parse(METHODS), CamOptions.builder().seed(3).build(), 3, t,
            (d, n, i) -> { });
      }
      template = t;
      template.toFile().getParentFile().deleteOnExit();
    }
    Path out = dir.resolve("study");
    try (Stream<Path> s = Files.walk(template)) {
      for (Path p : s.toList()) {
        Path target = out.resolve(template.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    return out;
  }
}
