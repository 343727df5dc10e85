package dev.sscam.study;

import dev.sscam.io.AtomicFile;
import dev.sscam.metrics.Bootstrap;
import dev.sscam.metrics.MetricSummary;
import dev.sscam.render.HtmlTemplate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code sscam study report}: Table IV (each method's share and "not sure"), bootstrap 95% intervals over
 * participants, a chi-squared test of uniform shares, position bias, Fleiss' kappa and the counts, as
 * {@code report.md}, {@code report.csv} and {@code report.html}.
 */
public final class StudyReport {
  /** Bootstrap seed of the intervals (fixed, so a report is reproducible from the database). */
  public static final long SEED = 0;
  /**
   * Below this many participants the report warns that its intervals mean little: a bootstrap over
   * participants can only recombine the few people there are, and its percentile interval is then
   * known to be too narrow (it cannot reach beyond the most extreme participant).
   */
  public static final int FEW_PARTICIPANTS = 10;

  private final HumanTrust table;
  private final Map<String, String> provenance;
  private final int trials;
  private final int participantsStarted;
  private final int participantsFinished;

  private final String name;
  private final Optional<String[]> answerPeriod;

  private StudyReport(HumanTrust table, Map<String, String> provenance, int trials, int started, int finished,
      String name, Optional<String[]> answerPeriod) {
    this.name = name;
    this.answerPeriod = answerPeriod;
    this.table = table;
    this.provenance = provenance;
    this.trials = trials;
    this.participantsStarted = started;
    this.participantsFinished = finished;
  }

  /** The report of the study in {@code studyDir}. */
  public static StudyReport of(Path studyDir) {
    try (StudyDatabase db = StudyDatabase.open(studyDir)) {
      return of(db);
    }
  }

  /** The report of an open study database. */
  public static StudyReport of(StudyDatabase db) {
    int trials = db.trials().size();
    Map<Long, Integer> perParticipant = db.answersPerParticipant();
    int started = (int) perParticipant.values().stream().filter(n -> n > 0).count();
    int finished = (int) perParticipant.values().stream().filter(n -> n == trials).count();
    HumanTrust t = new HumanTrust(db.methods(), HumanTrust.answers(db.answeredMaps()), new Bootstrap(SEED));
    Map<String, String> provenance = db.provenance();
    // Studies made before the name was recorded are named by their folder.
    String name = provenance.getOrDefault("name", String.valueOf(db.folder().getFileName()));
    return new StudyReport(t, provenance, trials, started, finished, name, db.answerPeriod());
  }

  /** Table IV and its statistics. */
  public HumanTrust table() {
    return table;
  }

  /** The study's model hash (to match an evaluation of the same model). */
  public String modelSha256() {
    return provenance.getOrDefault("model_sha256", "");
  }

  /** The values every rendering shows, by name (read by the templates). */
  Map<String, Object> values() {
    Map<String, Object> v = new HashMap<>();
    v.put("title", "sscam human-trust study: " + name);
    v.put("name", name);
    v.put("question", StudyServer.QUESTION);
    v.put("task", StudyServer.TASK);
    v.put("created", day(provenance.getOrDefault("created", "unknown")));
    v.put("hasPeriod", answerPeriod.isPresent());
    answerPeriod.ifPresent(p -> {
      v.put("from", day(p[0]));
      v.put("to", day(p[1]));
    });
    String sha = provenance.getOrDefault("model_sha256", "");
    v.put("model", provenance.getOrDefault("model_name", "unknown model")
        + (provenance.containsKey("model") ? " (" + Path.of(provenance.get("model")).getFileName() + ")" : "")
        + (sha.length() >= 12 ? ", SHA-256 " + sha.substring(0, 12) + "…" : ""));
    v.put("methods", String.join(", ", table.categories().subList(0, table.categories().size() - 1)));
    v.put("fewParticipants", participantsStarted < FEW_PARTICIPANTS);
    v.put("minParticipants", FEW_PARTICIPANTS);
    v.put("trials", trials);
    v.put("answers", table.answerCount());
    v.put("notSure", table.notSureCount());
    v.put("participants", participantsStarted);
    v.put("finished", participantsFinished);
    v.put("resamples", table.bootstrap().resamples());
    v.put("seed", table.bootstrap().seed());
    boolean any = table.answerCount() > 0;
    v.put("hasAnswers", any);
    v.put("noAnswers", !any);
    if (any) {
      List<Map<String, Object>> rows = new ArrayList<>();
      table.shares().forEach((cat, s) -> rows.add(Map.of("category", cat, "share", num(s.mean(), 1),
          "low", num(s.ciLow(), 1), "high", num(s.ciHigh(), 1))));
      v.put("shares", rows);
      UniformityTest u = table.uniformity();
      v.put("uniformity", test(u));
      double[] pos = table.positionTotals();
      double total = 0;
      for (double p : pos) {
        total += p;
      }
      List<Map<String, Object>> positions = new ArrayList<>();
      for (int k = 0; k < pos.length; k++) {
        positions.add(Map.of("letter", String.valueOf((char) ('A' + k)),
            "share", total > 0 ? num(100 * pos[k] / total, 1) : "–"));
      }
      v.put("positions", positions);
      v.put("positionBias", test(table.positionBias()));
      FleissKappa.Result k = table.kappa();
      v.put("hasKappa", !Double.isNaN(k.kappa()));
      v.put("kappa", num(k.kappa(), 3));
      v.put("kappaObserved", num(k.observed(), 3));
      v.put("kappaExpected", num(k.expected(), 3));
      v.put("kappaSubjects", k.subjects());
      KappaInterval ki = table.kappaInterval();
      v.put("hasKappaInterval", !Double.isNaN(ki.low()));
      v.put("kappaLow", num(ki.low(), 3));
      v.put("kappaHigh", num(ki.high(), 3));
      v.put("kappaDefined", ki.defined());
      v.put("kappaResamples", ki.resamples());
    }
    List<Map<String, Object>> prov = new ArrayList<>();
    provenance.forEach((key, value) -> prov.add(Map.of("key", key, "value", value)));
    v.put("provenance", prov);
    return v;
  }

  /** The date of an ISO-8601 instant (the report says when, not to the second). */
  private static String day(String instant) {
    return instant.length() >= 10 ? instant.substring(0, 10) : instant;
  }

  private static String test(UniformityTest u) {
    if (Double.isNaN(u.chiSquared())) {
      return "n/a (no maps chosen)";
    }
    return String.format(Locale.ROOT, "χ² = %.2f, df = %d, p = %.3g", u.chiSquared(), u.degreesOfFreedom(), u.pValue());
  }

  private static String num(double x, int decimals) {
    return Double.isNaN(x) ? "n/a" : String.format(Locale.ROOT, "%." + decimals + "f", x);
  }

  /** The whole report as Markdown. */
  public String markdown() {
    return HtmlTemplate.render("dev/sscam/study/report.md.mustache", values());
  }

  /** Table IV and its statistics as a Markdown section (for the evaluation report). */
  public String markdownSection() {
    return HtmlTemplate.render("dev/sscam/study/human-trust.md.mustache", values());
  }

  /** Table IV and its statistics as an HTML fragment (for the evaluation report). */
  public String htmlSection() {
    return HtmlTemplate.render("dev/sscam/study/human-trust.mustache", values());
  }

  /** The whole report as a self-contained HTML page. */
  public String html() {
    Map<String, Object> v = values();
    v.put("section", htmlSection());
    return HtmlTemplate.render("dev/sscam/study/report.mustache", v);
  }

  /** The figures as CSV: {@code statistic,category,value,ci_low,ci_high,n}. */
  public String csv() {
    StringBuilder sb = new StringBuilder("statistic,category,value,ci_low,ci_high,n\n");
    if (table.answerCount() > 0) {
      for (Map.Entry<String, MetricSummary> e : table.shares().entrySet()) {
        MetricSummary s = e.getValue();
        sb.append(String.format(Locale.ROOT, "share_percent,%s,%.4f,%.4f,%.4f,%d%n", AnswersCsv.field(e.getKey()),
            s.mean(), s.ciLow(), s.ciHigh(), s.n()));
      }
      double[] pos = table.positionTotals();
      for (int k = 0; k < pos.length; k++) {
        sb.append(String.format(Locale.ROOT, "position_total,%c,%.4f,,,%n", (char) ('A' + k), pos[k]));
      }
      UniformityTest u = table.uniformity();
      sb.append(String.format(Locale.ROOT, "uniformity_chi2,methods,%.6g,,,%d%n", u.chiSquared(), u.degreesOfFreedom()));
      sb.append(String.format(Locale.ROOT, "uniformity_p,methods,%.6g,,,%n", u.pValue()));
      UniformityTest b = table.positionBias();
      sb.append(String.format(Locale.ROOT, "position_bias_chi2,positions,%.6g,,,%d%n", b.chiSquared(), b.degreesOfFreedom()));
      sb.append(String.format(Locale.ROOT, "position_bias_p,positions,%.6g,,,%n", b.pValue()));
      FleissKappa.Result k = table.kappa();
      KappaInterval ki = table.kappaInterval();
      sb.append(String.format(Locale.ROOT, "fleiss_kappa_multi_pick,all,%.6g,%.6g,%.6g,%d%n", k.kappa(), ki.low(), ki.high(),
          k.subjects()));
    }
    sb.append("count,participants,").append(participantsStarted).append(",,,\n");
    sb.append("count,participants_finished,").append(participantsFinished).append(",,,\n");
    sb.append("count,trials,").append(trials).append(",,,\n");
    sb.append("count,answers,").append(table.answerCount()).append(",,,\n");
    sb.append("count,not_sure,").append(table.notSureCount()).append(",,,\n");
    return sb.toString();
  }

  /** Writes {@code report.md}, {@code report.csv} and {@code report.html} into {@code dir}, each atomically. */
  public List<Path> write(Path dir) {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("report.md", markdown());
    files.put("report.csv", csv());
    files.put("report.html", html());
    List<Path> out = new ArrayList<>();
    files.forEach((name, text) -> {
      Path f = dir.resolve(name);
      AtomicFile.write(f, text.getBytes(StandardCharsets.UTF_8));
      out.add(f);
    });
    return out;
  }
}
