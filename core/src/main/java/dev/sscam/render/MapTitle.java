package dev.sscam.render;

import dev.sscam.cam.CamMethod;
import dev.sscam.cam.CamOptions;
import dev.sscam.cam.SaliencyMap;
import java.util.Locale;

/**
 * The title a map's picture carries, the same on the command line and in the explorer: class, score
 * and method, the reading of a score-based method, and whether the map is fast or empty.
 */
public final class MapTitle {
  private MapTitle() {}

  /**
   * The overlay title: {@code Sandal p=0.87 — SS-CAM (2) [authors]}; a fast map says so, with its
   * estimated error: {@code — SS-CAM (2) [authors], fast ≈0.012}.
   */
  public static String of(SaliencyMap s, CamMethod method, CamOptions options) {
    return of(s, methodTitle(method, options));
  }

  /** The overlay title with a method title already made. */
  public static String of(SaliencyMap s, String methodTitle) {
    String fast = s.provenance().isFast()
        ? String.format(Locale.ROOT, ", fast ≈%.3f", s.provenance().fast().estimatedError()) : "";
    return String.format("%s p=%.2f — %s%s%s", s.label(), s.probability(), methodTitle, fast,
        s.allZero() ? " (zero map)" : "");
  }

  /**
   * A method's title with, for score-based methods, the reading it ran under: {@code SS-CAM (2)
   * [authors]}, {@code [authors+baseline]} when options override the preset. Gradient methods are the
   * same under every reading, so their title names none.
   */
  public static String methodTitle(CamMethod method, CamOptions options) {
    if (!method.weighsByScores()) {
      return method.title();
    }
    String overrides = options.overrides().isEmpty() ? "" : "+" + String.join("+", options.overrides());
    return method.title() + " [" + options.preset().id() + overrides + "]";
  }
}
