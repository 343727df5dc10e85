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

/**
 * {@code sscam study report}: Table IV (each method's share and "not sure"), bootstrap 95% intervals over
 * participants, a chi-squared test of uniform shares, position bias, Fleiss' kappa and the counts, as
 * {@code report.md}, {@code report.csv} and {@code report.html}.
 */
public final class StudyReport {
  /** Bootstrap seed of the intervals (fixed, so a report is reproducible from the database). */
  public static final long SEED = 0;

  private final HumanTrust table;
  private final Map<String, String> provenance;
  private final int trials;
  private final int participantsStarted;
  private final int participantsFinished;

  private StudyReport(HumanTrust table, Map<String, String> provenance, int trials, int started, int finished) {
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
    return new StudyReport(t, db.provenance(), trials, started, finished);
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
    v.put("title", "sscam human-trust study");
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
    }
    List<Map<String, Object>> prov = new ArrayList<>();
    provenance.forEach((key, value) -> prov.add(Map.of("key", key, "value", value)));
    v.put("provenance", prov);
    return v;
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
      sb.append(String.format(Locale.ROOT, "fleiss_kappa,all,%.6g,,,%d%n", k.kappa(), k.subjects()));
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
