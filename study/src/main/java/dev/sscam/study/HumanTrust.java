package dev.sscam.study;

import dev.sscam.metrics.Bootstrap;
import dev.sscam.metrics.MetricSummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The paper's Table IV from the study's answers (PAPER.md, "Human trust"): a participant's answer for one
 * image is normalised to total 1 (each of k chosen maps gets 1/k; "not sure" gets 1), and a method's
 * figure is its share of all normalised answers, in %:
 *
 * <pre>  share_m = 100 · Σ_p Σ_t w_ptm / Σ_p T_p</pre>
 *
 * with {@code T_p} the answers of participant p. Intervals resample participants (a participant's answers
 * stay together), as a ratio of sums. Position bias is the same share taken over the letter (A, B, …) a
 * map was shown under instead of its method; with the orders randomised it should be even.
 */
public final class HumanTrust {
  /** The "not sure" category's name. */
  public static final String NOT_SURE = "not sure";

  /**
   * One stored answer.
   *
   * @param participant who answered
   * @param trial which trial
   * @param notSure whether they said "not sure"
   * @param shown the method shown at each position (0 = A)
   * @param chosen the positions chosen (empty when not sure)
   */
  public record Answer(long participant, long trial, boolean notSure, List<String> shown, Set<Integer> chosen) {}

  private final List<String> methods;
  private final List<Answer> answers;
  private final List<Long> participants;
  private final Bootstrap bootstrap;

  /** Table IV over {@code answers} of a study comparing {@code methods}. */
  public HumanTrust(List<String> methods, List<Answer> answers, Bootstrap bootstrap) {
    this.methods = List.copyOf(methods);
    this.answers = List.copyOf(answers);
    this.participants = answers.stream().map(Answer::participant).distinct().sorted().toList();
    this.bootstrap = bootstrap;
  }

  /** Groups the database's rows (one per shown map) into answers. */
  public static List<Answer> answers(List<StudyDatabase.ShownMap> rows) {
    Map<List<Long>, List<StudyDatabase.ShownMap>> byAnswer = new LinkedHashMap<>();
    for (StudyDatabase.ShownMap r : rows) {
      byAnswer.computeIfAbsent(List.of(r.participant(), r.trial()), k -> new ArrayList<>()).add(r);
    }
    List<Answer> out = new ArrayList<>();
    for (List<StudyDatabase.ShownMap> shown : byAnswer.values()) {
      List<String> order = new ArrayList<>();
      Set<Integer> chosen = new LinkedHashSet<>();
      for (StudyDatabase.ShownMap m : shown) {
        order.add(m.position(), m.method());
        if (m.chosen()) {
          chosen.add(m.position());
        }
      }
      StudyDatabase.ShownMap first = shown.get(0);
      out.add(new Answer(first.participant(), first.trial(), first.notSure(), order, chosen));
    }
    return out;
  }

  /** The methods then "not sure": Table IV's columns. */
  public List<String> categories() {
    List<String> c = new ArrayList<>(methods);
    c.add(NOT_SURE);
    return c;
  }

  /** An answer normalised to 1 over {@link #categories()}. */
  double[] weights(Answer a) {
    double[] w = new double[methods.size() + 1];
    if (a.notSure()) {
      w[methods.size()] = 1;
    } else {
      for (int pos : a.chosen()) {
        w[methods.indexOf(a.shown().get(pos))] += 1.0 / a.chosen().size();
      }
    }
    return w;
  }

  /** Each category's share in % with its bootstrap 95% interval over participants (n = participants). */
  public Map<String, MetricSummary> shares() {
    int k = methods.size() + 1;
    double[][] num = new double[k][participants.size()];
    double[] den = new double[participants.size()];
    for (Answer a : answers) {
      int p = participants.indexOf(a.participant());
      double[] w = weights(a);
      for (int j = 0; j < k; j++) {
        num[j][p] += w[j];
      }
      den[p]++;
    }
    Map<String, MetricSummary> out = new LinkedHashMap<>();
    List<String> cats = categories();
    for (int j = 0; j < k; j++) {
      MetricSummary s = bootstrap.ratioOfMeans(num[j], den);
      out.put(cats.get(j), new MetricSummary(100 * s.mean(), 100 * s.ciLow(), 100 * s.ciHigh(), s.n()));
    }
    return out;
  }

  /** Chi-squared test of the methods' normalised totals ("not sure" left out) against equal shares. */
  public UniformityTest uniformity() {
    double[] o = new double[methods.size()];
    for (Answer a : answers) {
      double[] w = weights(a);
      for (int j = 0; j < o.length; j++) {
        o[j] += w[j];
      }
    }
    return UniformityTest.of(o);
  }

  /** Normalised choices by the position (0 = A) the chosen map was shown at, "not sure" left out. */
  public double[] positionTotals() {
    double[] o = new double[methods.size()];
    for (Answer a : answers) {
      for (int pos : a.chosen()) {
        o[pos] += 1.0 / a.chosen().size();
      }
    }
    return o;
  }

  /** Chi-squared test of position totals against equal shares: is there a position bias? */
  public UniformityTest positionBias() {
    return UniformityTest.of(positionTotals());
  }

  /** Fleiss' kappa over trials (subjects) and participants (raters), categories as in Table IV. */
  public FleissKappa.Result kappa() {
    Map<Long, List<double[]>> byTrial = new LinkedHashMap<>();
    for (Answer a : answers) {
      byTrial.computeIfAbsent(a.trial(), t -> new ArrayList<>()).add(weights(a));
    }
    return FleissKappa.of(byTrial.values().stream().map(l -> l.toArray(new double[0][])).toList());
  }

  /**
   * Fleiss' kappa with its bootstrap 95% interval over participants (same seed and B as the shares), see
   * {@link KappaInterval}.
   */
  public KappaInterval kappaInterval() {
    Map<Long, List<Map.Entry<Long, double[]>>> byParticipant = new LinkedHashMap<>();
    for (Answer a : answers) {
      byParticipant.computeIfAbsent(a.participant(), p -> new ArrayList<>()).add(Map.entry(a.trial(), weights(a)));
    }
    return KappaInterval.of(byParticipant, bootstrap.seed(), bootstrap.resamples());
  }

  /** Participants with at least one answer. */
  public int participants() {
    return participants.size();
  }

  /** Stored answers. */
  public int answerCount() {
    return answers.size();
  }

  /** Answers that were "not sure". */
  public int notSureCount() {
    return (int) answers.stream().filter(Answer::notSure).count();
  }

  /** The bootstrap used for the intervals. */
  public Bootstrap bootstrap() {
    return bootstrap;
  }
}
