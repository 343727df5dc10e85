package dev.sscam.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sscam.SscamException;
import dev.sscam.cam.CamMethod;
import dev.sscam.cam.CamOptions;
import dev.sscam.cam.FastMode;
import dev.sscam.cam.Methods;
import dev.sscam.cam.Preset;
import dev.sscam.cam.Reading;
import dev.sscam.model.LayerChoice;
import dev.sscam.model.TargetLayer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The maps one request asks for, read from its JSON options, whose names are the command line's
 * ({@code sscam explain --help}): {@code method}, {@code layer}, {@code class}, {@code preset} and the
 * reading options, {@code samples} (or {@code N}), {@code sigma}, {@code fast}, {@code fast-tolerance},
 * {@code seed}, ...; plus {@code model}, {@code presets} or {@code layers} to compare one method under
 * several readings or at several layers, and {@code format}. Every name and value is checked here, before
 * the request is queued: an unknown one is a 422 naming it.
 *
 * @param model the served model the maps are of
 * @param maps the maps, in the order they are computed and returned
 * @param formats how each map is returned: {@code float32} (E as base64 little-endian float32),
 *     {@code cam} (the feature-resolution map likewise), {@code png} (the titled overlay, base64)
 */
record MapPlan(ServedModel model, List<MapSpec> maps, Set<String> formats) {

  /** One map: a method under options (preset and layer included). */
  record MapSpec(CamMethod method, CamOptions options) {
    /** The method title with its reading, as the overlay names it. */
    String title() {
      return dev.sscam.render.MapTitle.methodTitle(method, options);
    }
  }

  /** Every option name a request may use. */
  static final Set<String> NAMES = Set.of("model", "method", "methods", "layer", "tokens", "grid", "layout", "class",
      "preset", "score", "baseline", "noise-scale", "ss-cam-1-mask", "channel-weights", "mask-order", "sum-at",
      "samples", "N", "sigma", "smooth-samples", "smooth-sigma", "seed", "fast", "fast-tolerance", "aug-smooth",
      "eigen-smooth", "presets", "layers", "format");

  static final Set<String> FORMATS = Set.of("float32", "cam", "png");

  /** The plan of {@code o} over {@code models}, within {@code limits}. */
  static MapPlan of(ObjectNode o, ServedModels models, ServeLimits limits) {
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!NAMES.contains(name)) {
        throw ApiError.unprocessable("unknown option '" + name + "'; known: " + String.join(", ", new java.util.TreeSet<>(NAMES)));
      }
    }
    ServedModel model = models.byIdOrDefault(text(o, "model"));
    List<CamMethod> methods = methods(o);
    List<Preset> presets = new ArrayList<>();
    for (String p : list(o, "presets")) {
      presets.add(parsed(() -> Preset.parse(p)));
    }
    if (presets.isEmpty()) {
      presets.add(parsed(() -> text(o, "preset") == null ? Preset.DEFAULT : Preset.parse(text(o, "preset"))));
    }
    List<String> layers = list(o, "layers");
    if (layers.size() == 1 && layers.get(0).equals("candidates")) {
      layers = model.classifier().layers().all().stream().map(TargetLayer::name).toList();
    }
    String layerOption = text(o, "layer");
    if (layers.isEmpty()) {
      layers = java.util.Collections.singletonList(layerOption);
    } else if (layerOption != null) {
      throw ApiError.unprocessable("give 'layer' or 'layers' (to compare), not both");
    }
    long count = (long) methods.size() * presets.size() * layers.size();
    if (count > limits.maxMaps()) {
      throw ApiError.unprocessable(count + " maps asked for (methods x presets x layers), over this server's limit of "
          + limits.maxMaps() + " per request");
    }
    Integer samples = integer(o, "samples");
    Integer n = integer(o, "N");
    if (samples != null && n != null) {
      throw ApiError.unprocessable("give 'samples' or 'N', not both");
    }
    samples = samples != null ? samples : n;
    Integer smoothSamples = integer(o, "smooth-samples");
    for (Integer s : new Integer[] {samples, smoothSamples}) {
      if (s != null && s > limits.maxSamples()) {
        throw ApiError.unprocessable("N = " + s + " is over this server's limit of " + limits.maxSamples() + " samples");
      }
    }
    int classIndex = classIndex(o, model);
    List<MapSpec> maps = new ArrayList<>();
    for (String layer : layers) {
      String spec = parsed(() -> LayerChoice.compose(layer, integer(o, "tokens"), text(o, "grid"), text(o, "layout")));
      if (spec != null && !spec.contains(",")) {
        // A single layer is checked now, before queueing; a fused list when its maps are computed.
        parsed(() -> model.classifier().layer(spec));
      }
      for (Preset preset : presets) {
        CamOptions options = parsed(() -> options(o, preset, spec, classIndex, model));
        for (CamMethod m : methods) {
          maps.add(new MapSpec(m, options));
        }
      }
    }
    Set<String> formats = new LinkedHashSet<>(list(o, "format"));
    if (formats.isEmpty()) {
      formats.add("float32");
    }
    for (String f : formats) {
      if (!FORMATS.contains(f)) {
        throw ApiError.unprocessable("unknown format '" + f + "'; known: float32, cam, png");
      }
    }
    return new MapPlan(model, maps, formats);
  }

  private static CamOptions options(ObjectNode o, Preset preset, String layer, int classIndex, ServedModel model) {
    Map<String, String> overrides = new LinkedHashMap<>();
    for (String name : Reading.OPTIONS) {
      overrides.put(name, text(o, name));
    }
    CamOptions.Builder b = CamOptions.builder().preset(preset).reading(preset.reading().with(overrides));
    Integer samples = integer(o, "samples") != null ? integer(o, "samples") : integer(o, "N");
    if (samples != null) {
      b.samples(samples);
    }
    Double sigma = number(o, "sigma");
    if (sigma != null) {
      b.sigma(sigma);
    }
    Integer smoothSamples = integer(o, "smooth-samples");
    if (smoothSamples != null) {
      b.smoothSamples(smoothSamples);
    }
    Double smoothSigma = number(o, "smooth-sigma");
    if (smoothSigma != null) {
      b.smoothSigma(smoothSigma);
    }
    Long seed = longValue(o, "seed");
    Double tolerance = number(o, "fast-tolerance");
    FastMode fast = tolerance != null ? new FastMode(tolerance) : bool(o, "fast") ? FastMode.defaults() : null;
    return b.targetClass(classIndex).layer(layer).seed(seed == null ? 0 : seed)
        .batchSize(model.classifier().batchSize()).fast(fast).augSmooth(bool(o, "aug-smooth"))
        .eigenSmooth(bool(o, "eigen-smooth")).build();
  }

  /** {@code method} (or {@code methods}): one id, a comma list or an array; default {@code grad-cam}. */
  private static List<CamMethod> methods(ObjectNode o) {
    if (o.has("method") && o.has("methods")) {
      throw ApiError.unprocessable("give 'method' or 'methods', not both");
    }
    List<String> ids = list(o, o.has("methods") ? "methods" : "method");
    if (ids.isEmpty()) {
      ids = List.of("grad-cam");
    }
    List<String> given = ids;
    List<CamMethod> methods = parsed(() -> Methods.parse(given));
    if (methods.isEmpty()) {
      throw ApiError.unprocessable("no method given");
    }
    return methods;
  }

  /** {@code class}: an index, or a class name from the model's labels (case-insensitive); -1 for top-1. */
  private static int classIndex(ObjectNode o, ServedModel model) {
    JsonNode c = o.get("class");
    if (c == null || c.isNull()) {
      return -1;
    }
    int classes = model.classifier().numClasses();
    if (c.isIntegralNumber()) {
      int i = c.asInt();
      if (i < 0 || i >= classes || !c.canConvertToInt()) {
        throw ApiError.unprocessable("class " + c.asText() + " is out of range: the model has " + classes
            + " classes (0.." + (classes - 1) + ")");
      }
      return i;
    }
    if (c.isTextual()) {
      String name = c.asText().trim();
      if (name.matches("\\d{1,9}")) {
        return classIndex(o.deepCopy().put("class", Integer.parseInt(name)), model);
      }
      List<String> labels = model.classifier().card().labels();
      for (int i = 0; i < labels.size(); i++) {
        if (labels.get(i).equalsIgnoreCase(name)) {
          return i;
        }
      }
      throw ApiError.unprocessable("unknown class '" + name + "' (GET /v1/models/" + model.id() + "/classes lists them)");
    }
    throw ApiError.unprocessable("'class' must be a class index or a class name");
  }

  /** A string option, or null. */
  static String text(ObjectNode o, String name) {
    JsonNode n = o.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual() && !n.isNumber()) {
      throw ApiError.unprocessable("option '" + name + "' must be a string");
    }
    return n.asText();
  }

  /** A list option: an array of strings, or one comma-separated string. */
  static List<String> list(ObjectNode o, String name) {
    JsonNode n = o.get(name);
    List<String> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (n.isArray()) {
      for (JsonNode e : n) {
        if (!e.isTextual()) {
          throw ApiError.unprocessable("option '" + name + "' must be an array of strings");
        }
        out.add(e.asText().trim());
      }
    } else if (n.isTextual()) {
      // a comma list, except for layers, whose own commas mean fusion
      if (name.equals("layers")) {
        out.add(n.asText().trim());
      } else {
        for (String s : n.asText().split(",")) {
          if (!s.isBlank()) {
            out.add(s.trim());
          }
        }
      }
    } else {
      throw ApiError.unprocessable("option '" + name + "' must be a string or an array of strings");
    }
    return out;
  }

  static Integer integer(ObjectNode o, String name) {
    JsonNode n = o.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isIntegralNumber() || !n.canConvertToInt()) {
      throw ApiError.unprocessable("option '" + name + "' must be a whole number, got " + n);
    }
    return n.asInt();
  }

  static Long longValue(ObjectNode o, String name) {
    JsonNode n = o.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isIntegralNumber() || !n.canConvertToLong()) {
      throw ApiError.unprocessable("option '" + name + "' must be a whole number, got " + n);
    }
    return n.asLong();
  }

  static Double number(ObjectNode o, String name) {
    JsonNode n = o.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isNumber()) {
      throw ApiError.unprocessable("option '" + name + "' must be a number, got " + n);
    }
    return n.asDouble();
  }

  static boolean bool(ObjectNode o, String name) {
    JsonNode n = o.get(name);
    if (n == null || n.isNull()) {
      return false;
    }
    if (!n.isBoolean()) {
      throw ApiError.unprocessable("option '" + name + "' must be true or false, got " + n);
    }
    return n.asBoolean();
  }

  /** Runs {@code f}, turning the library's refusal (a one-line SscamException) into a 422. */
  static <T> T parsed(java.util.function.Supplier<T> f) {
    try {
      return f.get();
    } catch (SscamException e) {
      throw ApiError.unprocessable(e.getMessage());
    }
  }
}
