package dev.sscam.study;

import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The answer form's POST body ({@code application/x-www-form-urlencoded}), parsed strictly: exactly one
 * {@code csrf}, {@code trial} and {@code action} ({@code submit} or {@code not-sure}), any number of
 * distinct {@code choice} values, nothing else, at most {@value #MAX_BYTES} bytes. Anything else is a
 * {@link Invalid} (the server answers 400).
 *
 * @param csrf the form's CSRF token
 * @param trial the trial's public id
 * @param notSure whether the participant said "not sure"
 * @param choices the public ids of the chosen maps
 */
record AnswerForm(String csrf, String trial, boolean notSure, Set<String> choices) {
  /** The largest body accepted: far more than 26 map ids need. */
  static final int MAX_BYTES = 8 * 1024;

  private static final Set<String> FIELDS = Set.of("csrf", "trial", "action", "choice");

  /** A malformed or oversized form. */
  static final class Invalid extends RuntimeException {
    Invalid(String message) {
      super(message);
    }
  }

  /** Parses a body; {@code contentType} is the request's header (may be null). */
  static AnswerForm parse(String contentType, byte[] body) {
    if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
      throw new Invalid("expected a form (application/x-www-form-urlencoded)");
    }
    if (body.length > MAX_BYTES) {
      throw new Invalid("form larger than " + MAX_BYTES + " bytes");
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
    } catch (CharacterCodingException e) {
      throw new Invalid("form is not UTF-8");
    }
    Map<String, List<String>> fields = new LinkedHashMap<>();
    if (!text.isEmpty()) {
      for (String pair : text.split("&", -1)) {
        int eq = pair.indexOf('=');
        if (eq <= 0) {
          throw new Invalid("malformed form field");
        }
        String key = decode(pair.substring(0, eq));
        if (!FIELDS.contains(key)) {
          throw new Invalid("unknown form field");
        }
        fields.computeIfAbsent(key, k -> new ArrayList<>()).add(decode(pair.substring(eq + 1)));
      }
    }
    String csrf = single(fields, "csrf");
    String trial = single(fields, "trial");
    String action = single(fields, "action");
    if (!action.equals("submit") && !action.equals("not-sure")) {
      throw new Invalid("action must be submit or not-sure");
    }
    List<String> chosen = fields.getOrDefault("choice", List.of());
    Set<String> choices = new LinkedHashSet<>(chosen);
    if (choices.size() != chosen.size()) {
      throw new Invalid("a map is chosen twice");
    }
    boolean notSure = action.equals("not-sure");
    if (!notSure && choices.isEmpty()) {
      throw new Invalid("choose at least one map, or not sure");
    }
    return new AnswerForm(csrf, trial, notSure, choices);
  }

  private static String single(Map<String, List<String>> fields, String key) {
    List<String> v = fields.get(key);
    if (v == null || v.size() != 1 || v.get(0).isEmpty()) {
      throw new Invalid("form needs exactly one " + key);
    }
    return v.get(0);
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new Invalid("malformed form encoding");
    }
  }
}
