package dev.sscam.study;

import java.util.List;

/**
 * The admin's export: one row per map shown in a stored answer (participant number, image, position and
 * letter, method, chosen, not sure, time). It names the methods, so only the admin gets it.
 */
final class AnswersCsv {
  private AnswersCsv() {}

  static String of(List<StudyDatabase.ShownMap> rows) {
    StringBuilder sb = new StringBuilder("participant,image,position,letter,method,chosen,not_sure,answered_at\n");
    for (StudyDatabase.ShownMap r : rows) {
      sb.append(r.participant()).append(',').append(field(r.image())).append(',').append(r.position()).append(',')
          .append((char) ('A' + r.position())).append(',').append(field(r.method())).append(',')
          .append(r.chosen() ? 1 : 0).append(',').append(r.notSure() ? 1 : 0).append(',').append(field(r.answered()))
          .append('\n');
    }
    return sb.toString();
  }

  /** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. */
  static String field(String s) {
    if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }
}
