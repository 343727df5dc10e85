package dev.sscam.cam;

import dev.sscam.SscamException;
import dev.sscam.cam.gradient.Cam;
import dev.sscam.cam.gradient.GradCam;
import dev.sscam.cam.gradient.GradCamElementwise;
import dev.sscam.cam.gradient.GradCamPlusPlus;
import dev.sscam.cam.gradient.HiResCam;
import dev.sscam.cam.gradient.LayerCam;
import dev.sscam.cam.gradient.SmoothGradCamPlusPlus;
import dev.sscam.cam.gradient.XGradCam;
import dev.sscam.cam.projection.EigenCam;
import dev.sscam.cam.projection.EigenGradCam;
import dev.sscam.cam.score.AblationCam;
import dev.sscam.cam.score.IsCam;
import dev.sscam.cam.score.ScoreCam;
import dev.sscam.cam.score.SsCam;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Every method by its command-line id: the paper's table order, then the methods torchcam and pytorch-grad-cam add. */
public final class Methods {
  private static final Map<String, Supplier<CamMethod>> ALL = new LinkedHashMap<>();

  static {
    ALL.put("grad-cam", GradCam::new);
    ALL.put("grad-cam++", GradCamPlusPlus::new);
    ALL.put("smooth-grad-cam++", SmoothGradCamPlusPlus::new);
    ALL.put("score-cam", ScoreCam::new);
    ALL.put("ss-cam-1", () -> new SsCam(Smoothing.MASK));
    ALL.put("ss-cam-2", () -> new SsCam(Smoothing.INPUT));
    ALL.put("cam", Cam::new);
    // The methods torchcam and pytorch-grad-cam add (issue 19), gradient ones first.
    ALL.put("xgrad-cam", XGradCam::new);
    ALL.put("layer-cam", LayerCam::new);
    ALL.put("hires-cam", HiResCam::new);
    ALL.put("grad-cam-elementwise", GradCamElementwise::new);
    ALL.put("eigen-cam", EigenCam::new);
    ALL.put("eigen-grad-cam", EigenGradCam::new);
    ALL.put("ablation-cam", AblationCam::new);
    ALL.put("is-cam", IsCam::new);
  }

  /** The paper's six: what {@code paper} names (and what {@code all} named before the other eight). */
  private static final List<String> PAPER = List.of("grad-cam", "grad-cam++", "smooth-grad-cam++", "score-cam",
      "ss-cam-1", "ss-cam-2");

  private Methods() {}

  /** The method with this id. */
  public static CamMethod byId(String id) {
    Supplier<CamMethod> s = ALL.get(id.toLowerCase(java.util.Locale.ROOT));
    if (s == null) {
      throw new SscamException("unknown method '" + id + "'; known: " + String.join(", ", ALL.keySet()) + ", all, paper");
    }
    return s.get();
  }

  /** All ids, in table order. */
  public static List<String> ids() {
    return List.copyOf(ALL.keySet());
  }

  /**
   * Parses a comma-separated list of ids; {@code all} means every method but CAM (which needs a conv
   * → GAP → linear head): the paper's six and the eight of torchcam and pytorch-grad-cam; {@code
   * paper} means the paper's six (Grad-CAM, Grad-CAM++, Smooth Grad-CAM++, Score-CAM, SS-CAM (1) and
   * (2)).
   */
  public static List<CamMethod> parse(List<String> ids) {
    List<CamMethod> out = new ArrayList<>();
    for (String raw : ids) {
      for (String id : raw.split(",")) {
        id = id.trim();
        if (id.isEmpty()) {
          continue;
        }
        List<String> named = id.equalsIgnoreCase("all") ? ALL.keySet().stream().filter(k -> !k.equals("cam")).toList()
            : id.equalsIgnoreCase("paper") ? PAPER : List.of(id);
        for (String k : named) {
          CamMethod m = byId(k);
          if (out.stream().noneMatch(x -> x.id().equals(m.id()))) {
            out.add(m);
          }
        }
      }
    }
    if (out.isEmpty()) {
      throw new SscamException("no method given");
    }
    return out;
  }
}
