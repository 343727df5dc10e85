package dev.sscam.model;

import dev.sscam.SscamException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A target layer as a user names it: an id (module path, alias, tensor or node name; null for the
 * model's default) and, for graphs where sscam's guess of the reading is wrong, overrides of it.
 *
 * <p>Written {@code ID[tokens=P,grid=HxW,layout=nhwc|nchw]}, each part optional ({@code
 * [tokens=2]} alone overrides the default layer's reading): the form {@code --layer} with {@code
 * --tokens}, {@code --grid} and {@code --layout} composes, the model card's {@code target_layer}
 * holds, and provenance records.
 *
 * @param id the layer's name, or null for the default layer
 * @param tokens prefix tokens P of a token sequence, or null to guess
 * @param gridHeight patch grid height h, or 0 to guess
 * @param gridWidth patch grid width w, or 0 to guess
 * @param layout {@code nhwc} or {@code nchw} for a 4-D tensor, or null to guess
 */
public record LayerChoice(String id, Integer tokens, int gridHeight, int gridWidth, String layout) {
  private static final Pattern SPEC = Pattern.compile("^(.*?)(?:\\[([^\\[\\]]*)])?$");
  private static final Pattern GRID = Pattern.compile("^(\\d+)x(\\d+)$");

  public LayerChoice {
    if (id != null && id.isBlank()) {
      id = null;
    }
    if (tokens != null && tokens < 0) {
      throw new SscamException("--tokens must be 0 or more prefix tokens, got " + tokens);
    }
    if ((gridHeight > 0) != (gridWidth > 0) || gridHeight < 0 || gridWidth < 0) {
      throw new SscamException("--grid must be HxW with both sides at least 1, got " + gridHeight + "x" + gridWidth);
    }
    if (layout != null) {
      layout = layout.toLowerCase(java.util.Locale.ROOT);
      if (!layout.equals("nhwc") && !layout.equals("nchw")) {
        throw new SscamException("--layout must be nhwc or nchw, got '" + layout + "'");
      }
      if (tokens != null || gridHeight > 0) {
        throw new SscamException("--layout reads a 4-D layer; --tokens and --grid read a token sequence: give one or the other");
      }
    }
  }

  /** Parses {@code ID[tokens=P,grid=HxW,layout=L]}; null or blank is the default layer as guessed. */
  public static LayerChoice parse(String spec) {
    if (spec == null || spec.isBlank()) {
      return new LayerChoice(null, null, 0, 0, null);
    }
    Matcher m = SPEC.matcher(spec.strip());
    if (!m.matches()) {
      throw new SscamException("cannot read the layer '" + spec + "'");
    }
    Integer tokens = null;
    int gh = 0;
    int gw = 0;
    String layout = null;
    if (m.group(2) != null) {
      for (String part : m.group(2).split(",")) {
        String[] kv = part.strip().split("=", 2);
        if (kv.length != 2) {
          throw new SscamException("layer '" + spec + "': expected key=value in [" + m.group(2) + "]");
        }
        String v = kv[1].strip();
        switch (kv[0].strip()) {
          case "tokens" -> tokens = integer(spec, "tokens", v);
          case "grid" -> {
            Matcher g = GRID.matcher(v);
            if (!g.matches()) {
              throw new SscamException("layer '" + spec + "': grid must be HxW, e.g. 14x14, got '" + v + "'");
            }
            gh = integer(spec, "grid", g.group(1));
            gw = integer(spec, "grid", g.group(2));
          }
          case "layout" -> layout = v;
          default -> throw new SscamException("layer '" + spec + "': unknown reading '" + kv[0].strip()
              + "' (tokens, grid or layout)");
        }
      }
    }
    return new LayerChoice(m.group(1), tokens, gh, gw, layout);
  }

  /** Composes a layer id with the command line's reading overrides (each may be null). */
  public static String compose(String id, Integer tokens, String grid, String layout) {
    List<String> parts = new ArrayList<>();
    if (tokens != null) {
      parts.add("tokens=" + tokens);
    }
    if (grid != null) {
      parts.add("grid=" + grid);
    }
    if (layout != null) {
      parts.add("layout=" + layout);
    }
    String base = id == null ? "" : id;
    String spec = parts.isEmpty() ? base : base + "[" + String.join(",", parts) + "]";
    parse(spec); // refuse a bad override here, where the user typed it
    return spec.isEmpty() ? null : spec;
  }

  /** Whether the reading is overridden. */
  public boolean overridesReading() {
    return tokens != null || gridHeight > 0 || layout != null;
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    if (tokens != null) {
      parts.add("tokens=" + tokens);
    }
    if (gridHeight > 0) {
      parts.add("grid=" + gridHeight + "x" + gridWidth);
    }
    if (layout != null) {
      parts.add("layout=" + layout);
    }
    return (id == null ? "" : id) + (parts.isEmpty() ? "" : "[" + String.join(",", parts) + "]");
  }

  private static int integer(String spec, String key, String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new SscamException("layer '" + spec + "': " + key + " must be a whole number, got '" + v + "'");
    }
  }
}
