package dev.sscam.cli;

import dev.sscam.SscamException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The example model and image that ship with sscam ({@code examples/} in the project): what runs
 * when no model or image is given.
 */
final class BundledExample {
  private BundledExample() {}

  /** The project folder: {@code -Dsscam.home} (set by the launcher), else found from the jar. */
  static Path home() {
    String prop = System.getProperty("sscam.home");
    if (prop != null) {
      return Path.of(prop);
    }
    try {
      Path p = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
      for (; p != null; p = p.getParent()) {
        if (Files.isDirectory(p.resolve("examples/models"))) {
          return p;
        }
      }
    } catch (URISyntaxException | SecurityException ignored) {
      // fall through to the working directory
    }
    return Path.of("").toAbsolutePath();
  }

  /** The bundled SqueezeNet1.0 FashionScenes classifier. */
  static Path model() {
    return existing(home().resolve("examples/models/squeezenet1_0.onnx"), "bundled example model");
  }

  /** The bundled example image (a sandal scene). */
  static Path image() {
    return existing(home().resolve("examples/fashion-scenes-mini/val/images/FS2026_val_00000002.JPEG"),
        "bundled example image");
  }

  private static Path existing(Path p, String what) {
    if (!Files.exists(p)) {
      throw new SscamException(what + " not found at " + p + " (pass --model/IMAGE, or set -Dsscam.home)");
    }
    return p;
  }
}
