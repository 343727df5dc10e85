package dev.sscam.cli;

import dev.sscam.cam.CamMethod;
import dev.sscam.cam.CamOptions;
import dev.sscam.cam.SaliencyMap;
import dev.sscam.render.Overlay;
import dev.sscam.render.PngWriter;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

/** The command line's pictures: a map over its image, titled with class, score and method. */
final class Pictures {
  private Pictures() {}

  /**
   * The overlay title: {@code Sandal p=0.87 — SS-CAM (2)}; a fast map says so, with its estimated
   * error: {@code — SS-CAM (2), fast ≈0.012}.
   */
  static String title(SaliencyMap s, String methodTitle) {
    String fast = s.provenance().isFast()
        ? String.format(java.util.Locale.ROOT, ", fast ≈%.3f", s.provenance().fast().estimatedError()) : "";
    return String.format("%s p=%.2f — %s%s%s", s.label(), s.probability(), methodTitle, fast,
        s.allZero() ? " (zero map)" : "");
  }

  /**
   * A method's title with, for score-based methods, the reading it ran under: {@code SS-CAM (2)
   * [authors]}, {@code [authors+baseline]} when options override the preset. Gradient methods are the
   * same under every reading, so their title names none.
   */
  static String methodTitle(CamMethod method, CamOptions options) {
    if (!method.weighsByScores()) {
      return method.title();
    }
    String overrides = options.overrides().isEmpty() ? "" : "+" + String.join("+", options.overrides());
    return method.title() + " [" + options.preset().id() + overrides + "]";
  }

  /** The image with E overlaid (jet), titled. */
  static BufferedImage overlay(BufferedImage picture, SaliencyMap s, String methodTitle) {
    return Overlay.render(picture, s.explanation(), s.width(), s.height(), title(s, methodTitle));
  }

  /** Writes the overlay to {@code png} atomically. */
  static void writeOverlay(BufferedImage picture, SaliencyMap s, String methodTitle, Path png) {
    PngWriter.write(overlay(picture, s, methodTitle), png);
  }

  /** The image with E overlaid, untitled (grid cells). */
  static BufferedImage cell(BufferedImage picture, SaliencyMap s) {
    return Overlay.blend(picture, s.explanation(), s.width(), s.height(), Overlay.DEFAULT_ALPHA);
  }
}
