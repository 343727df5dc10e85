package dev.sscam.cam;

import dev.sscam.SscamException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Every method by its command-line id, in the paper's table order. */
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
  }

  private Methods() {}

  /** The method with this id. */
  public static CamMethod byId(String id) {
    Supplier<CamMethod> s = ALL.get(id.toLowerCase(java.util.Locale.ROOT));
    if (s == null) {
      throw new SscamException("unknown method '" + id + "'; known: " + String.join(", ", ALL.keySet()) + ", all");
    }
    return s.get();
  }

  /** All ids, in table order. */
  public static List<String> ids() {
    return List.copyOf(ALL.keySet());
  }

  /**
   * Parses a comma-separated list of ids; {@code all} means the paper's six (every method but CAM,
   * which needs a conv → GAP → linear head).
   */
  public static List<CamMethod> parse(List<String> ids) {
    List<CamMethod> out = new ArrayList<>();
    for (String raw : ids) {
      for (String id : raw.split(",")) {
        id = id.trim();
        if (id.isEmpty()) {
          continue;
        }
        if (id.equalsIgnoreCase("all")) {
          for (String k : ALL.keySet()) {
            if (!k.equals("cam") && out.stream().noneMatch(m -> m.id().equals(k))) {
              out.add(byId(k));
            }
          }
        } else {
          CamMethod m = byId(id);
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
