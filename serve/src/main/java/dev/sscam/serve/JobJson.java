package dev.sscam.serve;

import dev.sscam.cam.FastEstimate;
import dev.sscam.cam.Provenance;
import dev.sscam.cam.SaliencyMap;
import dev.sscam.cam.Score;
import dev.sscam.model.ModelCard;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** The JSON documents of the API: a prediction, a map with its provenance, a job's state. */
final class JobJson {
  private JobJson() {}

  /** The {@code top} classes of {@code logits}: class, label, probability, logit. */
  static List<Map<String, Object>> top(float[] logits, ModelCard card, int top) {
    List<Map<String, Object>> rows = new ArrayList<>();
    IntStream.range(0, logits.length).boxed().sorted(Comparator.comparingDouble((Integer c) -> -logits[c]))
        .limit(top).forEach(c -> {
          Map<String, Object> r = new LinkedHashMap<>();
          r.put("class", c);
          r.put("label", card.label(c));
          r.put("probability", Score.softmax(logits, c));
          r.put("logit", logits[c]);
          rows.add(r);
        });
    return rows;
  }

  /** What produced a map, with the model named by its file name (the server's folders are its own). */
  static Map<String, Object> provenance(Provenance p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("method", p.method());
    m.put("options", p.options());
    m.put("seed", p.seed());
    m.put("layer", p.layer());
    m.put("layer_tensor", p.layerTensor());
    m.put("layer_reading", p.layerReading());
    m.put("model", Path.of(p.model()).getFileName().toString());
    m.put("model_sha256", p.modelSha256());
    m.put("forward_passes", p.forwardPasses());
    m.put("seconds", p.seconds());
    m.put("fast", fast(p.fast()));
    return m;
  }

  static Map<String, Object> fast(FastEstimate f) {
    if (f == null) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("tolerance", f.tolerance());
    m.put("passes", f.passes());
    m.put("exact_passes", f.exactPasses());
    m.put("estimated_rms_error", f.estimatedError());
    return m;
  }

  /** What a map is of and what it cost, without its values. */
  static Map<String, Object> mapSummary(MapPlan.MapSpec spec, SaliencyMap s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("method", spec.method().id());
    m.put("title", spec.title());
    m.put("preset", spec.options().preset().id());
    m.put("layer", s == null ? spec.options().layer() : s.provenance().layer());
    if (s != null) {
      m.put("class", s.classIndex());
      m.put("label", s.label());
      m.put("score", s.score());
      m.put("probability", s.probability());
      m.put("all_zero", s.allZero());
      m.put("passes", s.provenance().forwardPasses());
      m.put("seconds", s.provenance().seconds());
      m.put("fast", fast(s.provenance().fast()));
    }
    return m;
  }

  /** A map with its values in the requested formats and its provenance. */
  static Map<String, Object> map(MapPlan.MapSpec spec, SaliencyMap s, java.util.Set<String> formats,
      java.awt.image.BufferedImage picture) {
    Map<String, Object> m = mapSummary(spec, s);
    if (formats.contains("float32")) {
      m.put("map", floats(s.explanation(), s.height(), s.width()));
    }
    if (formats.contains("cam")) {
      m.put("cam", floats(s.cam(), s.h(), s.w()));
    }
    if (formats.contains("png")) {
      m.put("png", java.util.Base64.getEncoder().encodeToString(MapPictures.overlayPng(picture, s, spec.title())));
    }
    m.put("provenance", provenance(s.provenance()));
    return m;
  }

  private static Map<String, Object> floats(float[] values, int h, int w) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("dtype", "float32");
    m.put("byte_order", "little");
    m.put("shape", List.of(h, w));
    m.put("base64", MapPictures.base64(values));
    return m;
  }

  /** The prediction of a job's image. */
  static Map<String, Object> prediction(Job job, int top) {
    Map<String, Object> m = new LinkedHashMap<>();
    ServedModel model = job.plan().model();
    m.put("model", model.id());
    m.put("top", top(job.logits(), model.classifier().card(), top));
    return m;
  }

  /** The answer of {@code POST /v1/explain}: the prediction and every map. */
  static Map<String, Object> explained(Job job) {
    Map<String, Object> m = prediction(job, 5);
    List<Map<String, Object>> maps = new ArrayList<>();
    for (int i = 0; i < job.plan().maps().size(); i++) {
      maps.add(map(job.plan().maps().get(i), job.result(i), job.plan().formats(), job.image().picture()));
    }
    m.put("maps", maps);
    return m;
  }

  /** A job's state for the explorer: per map its progress (passes, ETA) or its summary. */
  static Map<String, Object> status(Job job) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", job.id());
    m.put("state", job.state().name().toLowerCase(java.util.Locale.ROOT));
    m.put("model", job.plan().model().id());
    if (job.logits() != null) {
      m.put("top", top(job.logits(), job.plan().model().classifier().card(), 5));
    }
    if (job.error() != null) {
      m.put("error", job.error().getMessage());
      m.put("status", job.error().status());
    }
    List<Map<String, Object>> maps = new ArrayList<>();
    for (int i = 0; i < job.plan().maps().size(); i++) {
      SaliencyMap s = job.result(i);
      Map<String, Object> r = mapSummary(job.plan().maps().get(i), s);
      String state = s != null ? "done" : i == job.current() ? "running"
          : job.state() == Job.State.QUEUED || job.state() == Job.State.RUNNING ? "queued" : "not computed";
      r.put("state", state);
      if (s == null && i == job.current()) {
        long done = job.done(i);
        long total = job.total(i);
        double elapsed = job.elapsed(i);
        r.put("passes_done", done);
        r.put("passes_total", total);
        r.put("elapsed_seconds", elapsed);
        r.put("eta_seconds", done > 0 && total > 0 ? elapsed / done * (total - done) : null);
      }
      maps.add(r);
    }
    m.put("maps", maps);
    return m;
  }
}
