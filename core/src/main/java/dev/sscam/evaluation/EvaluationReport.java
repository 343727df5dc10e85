package dev.sscam.evaluation;

import dev.sscam.SscamException;
import dev.sscam.cam.Preset;
import dev.sscam.cam.Reading;
import dev.sscam.metrics.Bootstrap;
import dev.sscam.metrics.MethodRanks;
import dev.sscam.metrics.MetricSummary;
import dev.sscam.metrics.PairedTest;
import dev.sscam.metrics.WinRate;
import dev.sscam.render.HtmlTemplate;
import dev.sscam.render.PngWriter;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The paper's tables from an evaluation's results: per method the mean and a seeded bootstrap 95%
 * interval of Average Drop, Increase in Confidence, deletion and insertion AUC, energy pointing
 * game (boxes and masks) and box share; the Win % matrix over the images every method finished;
 * the Wilcoxon signed-rank p-value of each method's drops against Score-CAM's on those images, and
 * each method's paired difference to Score-CAM on drop, deletion, insertion and box energy (mean,
 * bootstrap interval, Wilcoxon p); each method's rank among them on drop, increase, deletion,
 * insertion and box energy with a bootstrap interval of the rank ({@link MethodRanks}); the
 * share of empty maps (E = 0 everywhere) and the seconds per image; and the mean deletion/insertion
 * curves. A table no method has a figure for (Table III on a plain image folder) is left out. Written as {@code report.md}, {@code report.csv} and a
 * self-contained {@code report.html}.
 *
 * <p>Images the run skipped ({@link SkippedItem}) are left out of every figure, results of their
 * other methods included, so each method is summarised over the same images; the report lists them
 * ("3 images skipped: ID (reason); …"; in the CSV one {@code skipped,"ID: reason",,,,} row each).
 */
public final class EvaluationReport {
  /** The method the paired tests compare against (SS-CAM's baseline). */
  public static final String BASELINE = "score-cam";

  /** The metrics in table order: column key, title, how to read it from a result. */
  private static final Map<String, Function<ImageResult, Double>> METRICS = new LinkedHashMap<>();
  private static final Map<String, String> TITLES = new LinkedHashMap<>();

  static {
    metric("drop", "Average Drop % (lower better)", ImageResult::drop);
    metric("increase", "Increase in Confidence % (higher better)", r -> 100.0 * r.increase());
    metric("deletion", "Deletion AUC % (lower better)", ImageResult::deletionAuc);
    metric("insertion", "Insertion AUC % (higher better)", ImageResult::insertionAuc);
    metric("energy", "Energy pointing game % (boxes)", ImageResult::energy);
    metric("box_share", "Box area share %", ImageResult::boxShare);
    metric("mask_energy", "Energy pointing game % (masks)", ImageResult::maskEnergy);
    metric("empty", "Empty maps % (E = 0 everywhere)", r -> r.emptyMap() == null ? null : r.emptyMap() ? 100.0 : 0.0);
    metric("seconds", "Seconds per image", ImageResult::seconds);
  }

  private static void metric(String key, String title, Function<ImageResult, Double> f) {
    METRICS.put(key, f);
    TITLES.put(key, title);
  }

  private final List<String> methods;
  private final Map<String, Map<String, MetricSummary>> summaries = new LinkedHashMap<>();
  private final WinRate winRate;
  private final Map<String, PairedTest.Result> wilcoxon = new LinkedHashMap<>();
  /** Metric key → method → its paired difference to Score-CAM on the complete images. */
  private final Map<String, Map<String, PairedDifference>> paired = new LinkedHashMap<>();
  /** Metric key → method → its rank among the methods on the complete images. */
  private final Map<String, Map<String, MethodRanks.Rank>> ranks = new LinkedHashMap<>();
  /** Per ranked metric, how many images the ranks are over. */
  private final Map<String, Integer> rankedImages = new LinkedHashMap<>();
  private final Map<String, double[]> meanDeletion = new LinkedHashMap<>();
  private final Map<String, double[]> meanInsertion = new LinkedHashMap<>();
  private final EvaluationConfig config;
  private String appendixMarkdown;
  private String appendixHtml;
  private final int pairedImages;
  private final List<SkippedItem> skipped;

  private EvaluationReport(List<ImageResult> allResults, List<SkippedItem> skipped, EvaluationConfig config, long seed) {
    this.config = config;
    this.skipped = List.copyOf(skipped);
    Set<String> skippedImages = new java.util.HashSet<>();
    skipped.forEach(k -> skippedImages.add(k.image()));
    List<ImageResult> results = allResults.stream().filter(r -> !skippedImages.contains(r.image())).toList();
    Set<String> order = new LinkedHashSet<>();
    if (config != null) {
      order.addAll(config.methods());
    }
    results.forEach(r -> order.add(r.method()));
    Map<String, List<ImageResult>> byMethod = new LinkedHashMap<>();
    for (String m : order) {
      List<ImageResult> rs = results.stream().filter(r -> r.method().equals(m)).toList();
      if (!rs.isEmpty()) {
        byMethod.put(m, rs);
      }
    }
    if (byMethod.isEmpty()) {
      throw new SscamException("no results to report");
    }
    this.methods = List.copyOf(byMethod.keySet());
    for (String m : methods) {
      Map<String, MetricSummary> row = new LinkedHashMap<>();
      for (Map.Entry<String, Function<ImageResult, Double>> e : METRICS.entrySet()) {
        double[] v = byMethod.get(m).stream().map(e.getValue()).filter(x -> x != null)
            .mapToDouble(Double::doubleValue).toArray();
        // Each metric gets its own seeded bootstrap, so adding a method changes no other interval.
        row.put(e.getKey(), v.length == 0 ? null : new Bootstrap(seed).mean(v));
      }
      summaries.put(m, row);
      meanDeletion.put(m, meanCurve(byMethod.get(m), ImageResult::deletion));
      meanInsertion.put(m, meanCurve(byMethod.get(m), ImageResult::insertion));
    }
    // Paired figures use only the images every method finished.
    Map<String, Map<String, ImageResult>> index = new LinkedHashMap<>();
    for (ImageResult r : results) {
      index.computeIfAbsent(r.image(), k -> new LinkedHashMap<>()).put(r.method(), r);
    }
    List<Map<String, ImageResult>> complete = index.values().stream()
        .filter(m -> m.keySet().containsAll(methods)).toList();
    this.pairedImages = complete.size();
    if (complete.isEmpty()) {
      this.winRate = null;
      return;
    }
    double[] y = complete.stream().mapToDouble(m -> m.get(methods.get(0)).y()).toArray();
    Map<String, double[]> masked = new LinkedHashMap<>();
    for (String m : methods) {
      masked.put(m, complete.stream().mapToDouble(r -> r.get(m).o()).toArray());
    }
    this.winRate = WinRate.matrix(y, masked);
    if (methods.size() > 1) {
      RANKED.forEach((key, better) -> pairedValues(complete, key).ifPresent(values -> {
        ranks.put(key, MethodRanks.of(values, better, new Bootstrap(seed)));
        rankedImages.put(key, values.values().iterator().next().length);
      }));
    }
    if (methods.contains(BASELINE)) {
      for (String key : PAIRED_METRICS) {
        Optional<Map<String, double[]>> values = pairedValues(complete, key);
        if (values.isEmpty()) {
          continue;
        }
        double[] b = values.get().get(BASELINE);
        Map<String, PairedDifference> row = new LinkedHashMap<>();
        for (String m : methods) {
          if (!m.equals(BASELINE)) {
            double[] a = values.get().get(m);
            double[] d = new double[a.length];
            for (int i = 0; i < a.length; i++) {
              d[i] = a[i] - b[i];
            }
            row.put(m, new PairedDifference(new Bootstrap(seed).mean(d), PairedTest.wilcoxon(a, b)));
          }
        }
        paired.put(key, row);
      }
      // Every result has a drop, so its paired tests are over all the complete images.
      paired.getOrDefault("drop", Map.of()).forEach((m, d) -> wilcoxon.put(m, d.test()));
    }
  }

  /**
   * Per method, its {@code metric} on the complete images where every method has it, in the same
   * image order for all (the pairs the paired tests and the ranks compare); empty when no image has
   * it for all.
   */
  private Optional<Map<String, double[]>> pairedValues(List<Map<String, ImageResult>> complete, String metric) {
    Function<ImageResult, Double> f = METRICS.get(metric);
    List<Map<String, ImageResult>> usable = complete.stream()
        .filter(r -> methods.stream().allMatch(m -> f.apply(r.get(m)) != null)).toList();
    if (usable.isEmpty()) {
      return Optional.empty();
    }
    Map<String, double[]> values = new LinkedHashMap<>();
    for (String m : methods) {
      values.put(m, usable.stream().mapToDouble(r -> f.apply(r.get(m))).toArray());
    }
    return Optional.of(values);
  }

  /** The metrics each method is ranked on, and which way each is better. */
  private static final Map<String, MethodRanks.Better> RANKED = new LinkedHashMap<>();

  static {
    RANKED.put("drop", MethodRanks.Better.LOWER);
    RANKED.put("increase", MethodRanks.Better.HIGHER);
    RANKED.put("deletion", MethodRanks.Better.LOWER);
    RANKED.put("insertion", MethodRanks.Better.HIGHER);
    RANKED.put("energy", MethodRanks.Better.HIGHER);
  }

  /** How the rank table is read (Markdown and HTML). */
  private static final String RANK_NOTE = "Rank of each method's mean on the images every method finished "
      + "(1 = best; ties share the better rank) [bootstrap 95% interval of the rank: the images resampled, "
      + "all methods together]. Methods whose intervals overlap are not told apart by these images.";

  /**
   * Each method's rank on {@code metric} ({@code drop}, {@code increase}, {@code deletion}, {@code
   * insertion} or {@code energy}) among the report's methods, with its interval ({@link MethodRanks});
   * empty with one method or without the metric's values.
   */
  public Map<String, MethodRanks.Rank> ranks(String metric) {
    return ranks.getOrDefault(metric, Map.of());
  }

  /** The metrics compared with Score-CAM image by image: the paper's Tables I–III. */
  private static final List<String> PAIRED_METRICS = List.of("drop", "deletion", "insertion", "energy");

  /**
   * A method's paired difference to Score-CAM on one metric over the images every method finished:
   * the mean of {@code a_i − b_i} with its seeded bootstrap 95% interval, and the Wilcoxon signed-rank
   * test of the pairs.
   *
   * @param difference mean [CI] of method minus Score-CAM
   * @param test the two-sided Wilcoxon signed-rank test
   */
  public record PairedDifference(MetricSummary difference, PairedTest.Result test) {}

  /**
   * The paired differences to Score-CAM on {@code metric} ({@code drop}, {@code deletion}, {@code
   * insertion} or {@code energy}), by method; empty without Score-CAM or without the metric's values.
   */
  public Map<String, PairedDifference> pairedVsScoreCam(String metric) {
    return paired.getOrDefault(metric, Map.of());
  }

  /**
   * Builds the report.
   *
   * @param results the results (any order)
   * @param config the run's configuration (provenance and method order), or null
   * @param seed the bootstrap seed
   */
  public static EvaluationReport of(List<ImageResult> results, EvaluationConfig config, long seed) {
    return new EvaluationReport(results, List.of(), config, seed);
  }

  /**
   * Builds the report from a log's contents, leaving out the skipped images.
   *
   * @param contents the results and skipped images
   * @param config the run's configuration (provenance and method order), or null
   * @param seed the bootstrap seed
   */
  public static EvaluationReport of(ResultsLog.Contents contents, EvaluationConfig config, long seed) {
    return new EvaluationReport(contents.results(), contents.skipped(), config, seed);
  }

  /** Reads {@code dir}'s results and configuration and builds the report (bootstrap seeded by the run's seed). */
  public static EvaluationReport from(Path dir) {
    Path configFile = dir.resolve(EvaluationConfig.FILE);
    EvaluationConfig config = configFile.toFile().exists() ? EvaluationConfig.read(configFile) : null;
    return of(ResultsLog.readAll(dir.resolve(ResultsLog.FILE)), config, config == null ? 0 : config.seed());
  }

  /** The images the run skipped, in log order. */
  public List<SkippedItem> skipped() {
    return skipped;
  }

  /** {@code "3 images skipped: ID (reason); …"}, or null when none was. */
  public String skippedSummary() {
    if (skipped.isEmpty()) {
      return null;
    }
    StringBuilder sb = new StringBuilder().append(skipped.size()).append(skipped.size() == 1 ? " image" : " images")
        .append(" skipped: ");
    for (int i = 0; i < skipped.size(); i++) {
      sb.append(i == 0 ? "" : "; ").append(skipped.get(i).image()).append(" (").append(skipped.get(i).reason()).append(')');
    }
    return sb.toString();
  }

  /**
   * Adds a section from outside the evaluation, shown before the provenance: the human-trust study's
   * Table IV when a study of the same model exists (the study module renders it; core cannot know it).
   *
   * @param markdown the section as Markdown (ending with a blank line)
   * @param html the section as an HTML fragment
   * @return this report
   */
  public EvaluationReport withAppendix(String markdown, String html) {
    this.appendixMarkdown = markdown;
    this.appendixHtml = html;
    return this;
  }

  /** The methods, in table order. */
  public List<String> methods() {
    return methods;
  }

  /**
   * A method's summary of one metric ({@code drop, increase, deletion, insertion, energy, box_share,
   * mask_energy, empty, seconds}); null when no image had it.
   */
  public MetricSummary summary(String method, String metric) {
    return summaries.get(method).get(metric);
  }

  /** Win % matrix over the images every method finished; null when there is none. */
  public WinRate winRate() {
    return winRate;
  }

  /** Wilcoxon signed-rank test of each method's drops against Score-CAM's (empty without Score-CAM). */
  public Map<String, PairedTest.Result> wilcoxonVsScoreCam() {
    return wilcoxon;
  }

  /** The mean deletion curve of a method (point-wise mean over its images). */
  public double[] meanDeletion(String method) {
    return meanDeletion.get(method);
  }

  /** The mean insertion curve of a method. */
  public double[] meanInsertion(String method) {
    return meanInsertion.get(method);
  }

  private static double[] meanCurve(List<ImageResult> rs, Function<ImageResult, double[]> f) {
    int len = rs.stream().mapToInt(r -> f.apply(r).length).min().orElse(0);
    double[] mean = new double[len];
    for (ImageResult r : rs) {
      double[] c = f.apply(r);
      for (int i = 0; i < len; i++) {
        mean[i] += c[i] / rs.size();
      }
    }
    return mean;
  }

  /** {@code +1.23 [0.45, 2.01], p=0.0123 (n=40)}. */
  static String pairedCell(PairedDifference d) {
    MetricSummary s = d.difference();
    return String.format(Locale.ROOT, "%+.2f [%.2f, %.2f], p=%.3g (n=%d)", s.mean(), s.ciLow(), s.ciHigh(),
        d.test().pValue(), d.test().nonZeroPairs());
  }

  private static String cell(MetricSummary s) {
    return s == null ? "–" : s.format(2);
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  /** One table of the report: its title, its metric columns and an optional note printed under it. */
  private record Table(String title, List<String> metrics, String note) {}

  private static final List<Table> TABLES = List.of(
      new Table("Table I: deletion and insertion", List.of("deletion", "insertion"), null),
      new Table("Table II: Average Drop and Increase in Confidence", List.of("drop", "increase"), null),
      new Table("Table III: energy-based pointing game", List.of("energy", "mask_energy", "box_share"), null),
      // An empty map is no explanation, yet it still gets figures in the tables above.
      new Table("Empty maps and time", List.of("empty", "seconds"),
          "An empty map explains nothing, yet it still enters the tables above: "
              + "its pointing game is 0 and its drop is measured on the zero input X0 ∘ 0. "
              + "Seconds per image: the map and its figures, for one image."));

  /** Whether any method has a figure for any of the table's metrics (a plain folder has no Table III). */
  private boolean hasData(Table table) {
    return methods.stream().anyMatch(m -> table.metrics().stream().anyMatch(k -> summary(m, k) != null));
  }

  /** The report as Markdown: the three tables (mean [95% CI] (n)), Win %, Wilcoxon, provenance. */
  public String markdown() {
    StringBuilder sb = new StringBuilder("# ").append(title()).append("\n\n");
    if (skippedSummary() != null) {
      sb.append(skippedSummary()).append("\n\n");
    }
    for (Table t : TABLES) {
      if (!hasData(t)) {
        continue;
      }
      sb.append("## ").append(t.title()).append("\n\n| Method |");
      t.metrics().forEach(k -> sb.append(' ').append(TITLES.get(k)).append(" |"));
      sb.append("\n|---|").append("---|".repeat(t.metrics().size())).append('\n');
      for (String m : methods) {
        sb.append("| ").append(m).append(" |");
        t.metrics().forEach(k -> sb.append(' ').append(cell(summary(m, k))).append(" |"));
        sb.append('\n');
      }
      sb.append('\n');
      if (t.note() != null) {
        sb.append(t.note()).append("\n\n");
      }
    }
    if (winRate != null) {
      sb.append("## Win % (row beats column: smaller drop), ").append(pairedImages).append(" images\n\n| |");
      methods.forEach(m -> sb.append(' ').append(m).append(" |"));
      sb.append("\n|---|").append("---|".repeat(methods.size())).append('\n');
      for (String a : methods) {
        sb.append("| ").append(a).append(" |");
        for (String b : methods) {
          sb.append(' ').append(a.equals(b) ? "–" : num(winRate.percent(a, b))).append(" |");
        }
        sb.append('\n');
      }
      sb.append('\n');
    }
    if (!wilcoxon.isEmpty()) {
      sb.append("## Wilcoxon signed-rank test of drops vs ").append(BASELINE).append("\n\n| Method | p | W+ | n |\n|---|---|---|---|\n");
      wilcoxon.forEach((m, r) -> sb.append("| ").append(m).append(" | ")
          .append(String.format(Locale.ROOT, "%.4g", r.pValue())).append(" | ").append(num(r.wPlus()))
          .append(" | ").append(r.nonZeroPairs()).append(" |\n"));
      sb.append('\n');
    }
    if (!paired.isEmpty()) {
      sb.append("## Paired differences vs ").append(BASELINE).append("\n\n")
          .append("Method minus ").append(BASELINE).append(" on the same images: mean [95% CI], Wilcoxon signed-rank p")
          .append(" (n: pairs that differ).\n\n| Method |");
      paired.keySet().forEach(k -> sb.append(' ').append(TITLES.get(k)).append(" |"));
      sb.append("\n|---|").append("---|".repeat(paired.size())).append('\n');
      for (String m : methods) {
        if (!m.equals(BASELINE)) {
          sb.append("| ").append(m).append(" |");
          paired.values().forEach(row -> sb.append(' ').append(pairedCell(row.get(m))).append(" |"));
          sb.append('\n');
        }
      }
      sb.append('\n');
    }
    if (!ranks.isEmpty()) {
      sb.append("## Rank among the ").append(methods.size()).append(" methods\n\n").append(RANK_NOTE)
          .append("\n\n| Method |");
      ranks.keySet().forEach(k -> sb.append(' ').append(TITLES.get(k)).append(" |"));
      sb.append("\n|---|").append("---|".repeat(ranks.size())).append('\n');
      for (String m : methods) {
        sb.append("| ").append(m).append(" |");
        ranks.values().forEach(row -> sb.append(' ').append(row.get(m)).append(" |"));
        sb.append('\n');
      }
      sb.append('\n');
    }
    if (appendixMarkdown != null) {
      sb.append(appendixMarkdown);
    }
    sb.append("## Provenance\n\n").append(provenance().replace("\n", "  \n")).append('\n');
    return sb.toString();
  }

  /** {@code sscam evaluation}, marked when the maps of Score-CAM and SS-CAM are fast mode's, not exact. */
  String title() {
    return config != null && config.isFast()
        ? "sscam evaluation (fast mode, tolerance " + config.fastTolerance() + ": Score-CAM and SS-CAM maps are approximate)"
        : "sscam evaluation";
  }

  private String provenance() {
    if (config == null) {
      return "no config.json";
    }
    return "model sha256: " + config.modelSha256() + "\nmethods: " + String.join(", ", config.methods())
        + "\nimages: " + config.images() + " (list sha256 " + config.imageListHash() + ")\nseed: " + config.seed()
        + "\nsamples: " + config.samples() + "\nsigma: " + config.sigma() + "\nstep: " + config.step()
        + "\ndataset: " + config.dataset() + (config.layer() == null ? "" : "\ntarget layer: " + config.layer())
        + "\npreset: " + config.preset() + readingNote()
        + "\nmaps: " + (config.isFast() ? "fast mode, tolerance " + config.fastTolerance()
            + " (estimated RMS error of E; score-cam, ss-cam-1, ss-cam-2 only)" : "exact")
        + "\nversions: " + versions();
  }

  /** The reading options in force, overrides of the preset marked (gradient methods use none of them). */
  private String readingNote() {
    Reading presetReading = Preset.parse(config.preset()).reading();
    Map<String, String> theirs = presetReading.asMap();
    StringBuilder sb = new StringBuilder(" (");
    String sep = "";
    for (Map.Entry<String, String> e : config.reading().entrySet()) {
      sb.append(sep).append(e.getKey()).append('=').append(e.getValue());
      if (!e.getValue().equals(theirs.get(e.getKey()))) {
        sb.append(" [overridden]");
      }
      sep = ", ";
    }
    return sb.append("; score-based methods only)").toString();
  }

  /**
   * The report as CSV: one row per method × metric with mean, CI and n; the win rates; each method's
   * rank on each ranked metric as {@code METHOD,rank_METRIC,RANK,LOW,HIGH,IMAGES}; Wilcoxon p values;
   * skipped images.
   */
  public String csv() {
    StringBuilder sb = new StringBuilder("method,metric,mean,ci_low,ci_high,n\n");
    for (String m : methods) {
      for (String k : METRICS.keySet()) {
        MetricSummary s = summary(m, k);
        if (s != null) {
          sb.append(m).append(',').append(k).append(',').append(s.mean()).append(',').append(s.ciLow())
              .append(',').append(s.ciHigh()).append(',').append(s.n()).append('\n');
        }
      }
    }
    if (winRate != null) {
      for (String a : methods) {
        for (String b : methods) {
          if (!a.equals(b)) {
            sb.append(a).append(",win_vs_").append(b).append(',').append(winRate.percent(a, b)).append(",,,")
                .append(pairedImages).append('\n');
          }
        }
      }
    }
    // Ranks: mean = the rank, ci = its bootstrap interval, n = images ranked over.
    ranks.forEach((metric, byMethod) -> byMethod.forEach((m, r) -> sb.append(m).append(",rank_").append(metric)
        .append(',').append(r.rank()).append(',').append(r.low()).append(',').append(r.high()).append(',')
        .append(rankedImages.get(metric)).append('\n')));
    wilcoxon.forEach((m, r) -> sb.append(m).append(",wilcoxon_p_vs_").append(BASELINE).append(',')
        .append(r.pValue()).append(",,,").append(r.nonZeroPairs()).append('\n'));
    for (SkippedItem k : skipped) {
      sb.append("skipped,\"").append((k.image() + ": " + k.reason()).replace("\"", "\"\"")).append("\",,,,\n");
    }
    return sb.toString();
  }

  /** The report as one self-contained HTML page (tables, provenance, mean curves as inline PNG). */
  public String html() {
    return html(null);
  }

  /**
   * The HTML page; with {@code dir}, also the Figure-3-style grid of the maps the evaluation kept
   * there ({@link EvaluationFigure}).
   */
  public String html(Path dir) {
    Map<String, Object> page = new HashMap<>();
    List<Map<String, Object>> tables = new ArrayList<>();
    page.put("title", title());
    if (skippedSummary() != null) {
      page.put("skipped", skippedSummary());
    }
    for (Table t : TABLES) {
      if (hasData(t)) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String m : methods) {
          rows.add(Map.of("method", m, "cells", t.metrics().stream().map(k -> cell(summary(m, k))).toList()));
        }
        Map<String, Object> table = new HashMap<>();
        table.put("title", t.title());
        table.put("headers", t.metrics().stream().map(TITLES::get).toList());
        table.put("rows", rows);
        table.put("note", t.note() == null ? List.of() : List.of(t.note()));
        tables.add(table);
      }
    }
    page.put("tables", tables);
    if (winRate != null) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (String a : methods) {
        rows.add(Map.of("method", a, "cells", methods.stream().map(b -> a.equals(b) ? "–" : num(winRate.percent(a, b))).toList()));
      }
      page.put("winRate", Map.of("images", pairedImages, "methods", methods, "rows", rows));
    }
    if (!wilcoxon.isEmpty()) {
      List<Map<String, Object>> rows = new ArrayList<>();
      wilcoxon.forEach((m, r) -> rows.add(Map.of("method", m, "p", String.format(Locale.ROOT, "%.4g", r.pValue()),
          "n", r.nonZeroPairs())));
      page.put("wilcoxon", Map.of("baseline", BASELINE, "rows", rows));
    }
    if (!paired.isEmpty()) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (String m : methods) {
        if (!m.equals(BASELINE)) {
          rows.add(Map.of("method", m, "cells", paired.values().stream().map(row -> pairedCell(row.get(m))).toList()));
        }
      }
      page.put("paired", Map.of("baseline", BASELINE, "headers", paired.keySet().stream().map(TITLES::get).toList(),
          "rows", rows));
    }
    if (!ranks.isEmpty()) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (String m : methods) {
        rows.add(Map.of("method", m, "cells", ranks.values().stream().map(row -> row.get(m).toString()).toList()));
      }
      page.put("ranks", Map.of("count", methods.size(), "note", RANK_NOTE,
          "headers", ranks.keySet().stream().map(TITLES::get).toList(), "rows", rows));
    }
    page.put("curves", chart("Deletion", meanDeletion) + chart("Insertion", meanInsertion));
    if (dir != null) {
      EvaluationFigure.grid(dir, methods, 160)
          .ifPresent(grid -> page.put("figure", img("Figure 3", PngWriter.bytes(grid))));
    }
    page.put("appendix", appendixHtml);
    page.put("provenance", provenance());
    return HtmlTemplate.render("dev/sscam/evaluation/report.mustache", page);
  }

  private String chart(String title, Map<String, double[]> curves) {
    XYChart chart = new XYChartBuilder().width(560).height(380).title(title + " (mean over images)")
        .xAxisTitle("fraction of pixels").yAxisTitle("probability of c").build();
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setXAxisDecimalPattern("0.##");
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setYAxisMax(1.0);
    boolean any = false;
    for (Map.Entry<String, double[]> e : curves.entrySet()) {
      double[] c = e.getValue();
      if (c.length < 2) {
        continue;
      }
      double[] x = new double[c.length];
      for (int i = 0; i < c.length; i++) {
        x[i] = (double) i / (c.length - 1);
      }
      chart.addSeries(e.getKey(), x, c).setMarker(SeriesMarkers.NONE);
      any = true;
    }
    if (!any) {
      return "<p>No " + title.toLowerCase(Locale.ROOT) + " curves.</p>\n";
    }
    try {
      return img(title + " curves", BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
    } catch (IOException e) {
      throw new SscamException("cannot draw the " + title + " chart: " + e.getMessage());
    }
  }

  private static String img(String alt, byte[] png) {
    return "<img alt=\"" + esc(alt) + "\" src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(png) + "\">\n";
  }

  /** sscam's, ONNX Runtime's and Java's versions, for provenance. */
  private static String versions() {
    String sscam = EvaluationReport.class.getPackage().getImplementationVersion();
    String ort;
    try {
      ort = ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion();
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      ort = "unknown";
    }
    return "sscam " + (sscam == null ? "dev" : sscam) + ", ONNX Runtime " + ort + ", Java " + System.getProperty("java.version");
  }

  private static String esc(String s) {
    return HtmlTemplate.escape(s);
  }

  /** Writes {@code report.md}, {@code report.csv} and {@code report.html} into {@code dir}, each atomically. */
  public List<Path> write(Path dir) {
    List<Path> out = new ArrayList<>();
    for (Map.Entry<String, String> e : Map.of("report.md", markdown(), "report.csv", csv(), "report.html", html(dir)).entrySet()) {
      Path p = dir.resolve(e.getKey());
      dev.sscam.io.AtomicFile.write(p, e.getValue().getBytes(StandardCharsets.UTF_8));
      out.add(p);
    }
    return out;
  }
}
