package dev.sscam.cli;

import dev.sscam.cam.CamMethod;
import dev.sscam.cam.CamOptions;
import dev.sscam.cam.SaliencyMap;
import dev.sscam.render.MapTitle;
import dev.sscam.render.Overlay;
import dev.sscam.render.PngWriter;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

/** The command line's pictures: a map over its image, titled with class, score and method. */
final class Pictures {
  private Pictures() {}

  /** The overlay title ({@link MapTitle#of(SaliencyMap, String)}). */
  static String title(SaliencyMap s, String methodTitle) {
    return MapTitle.of(s, methodTitle);
  }

  /** A method's title with its reading ({@link MapTitle#methodTitle}). */
  static String methodTitle(CamMethod method, CamOptions options) {
    return MapTitle.methodTitle(method, options);
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
