package dev.sscam.cam;

import dev.sscam.SscamException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Command-line spelling of the reading options' values: lower case, '-' for '_'. */
final class ReadingOption {
  private ReadingOption() {}

  /** The value's spelling ({@code RANGE_SQUARED} → {@code range-squared}). */
  static String name(Enum<?> value) {
    return NAMES.computeIfAbsent(value, v -> v.name().toLowerCase(Locale.ROOT).replace('_', '-'));
  }

  // Spelled once per value: every map's provenance spells the whole reading, twice over.
  private static final java.util.Map<Enum<?>, String> NAMES = new java.util.concurrent.ConcurrentHashMap<>();

  /** Parses a spelling of one of {@code type}'s values, or fails naming the option and its values. */
  static <E extends Enum<E>> E parse(Class<E> type, String option, String s) {
    for (E e : type.getEnumConstants()) {
      if (name(e).equals(s.trim().toLowerCase(Locale.ROOT))) {
        return e;
      }
    }
    throw new SscamException("unknown " + option + " '" + s + "' (expected "
        + Arrays.stream(type.getEnumConstants()).map(ReadingOption::name).collect(Collectors.joining(" or ")) + ")");
  }
}
