package dev.sscam.data;

import dev.sscam.SscamException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The class list of {@code LOC_synset_mapping.txt}: one {@code wnid Name words} per line; the
 * class index is the line number, 0-based (the order torchvision's ImageNet models use). Blank
 * lines are refused, since they would shift every index after them.
 */
public final class SynsetMapping {
  private final List<String> wnids;
  private final List<String> names;
  private final Map<String, Integer> index;

  private SynsetMapping(List<String> wnids, List<String> names) {
    this.wnids = List.copyOf(wnids);
    this.names = List.copyOf(names);
    this.index = new HashMap<>();
    for (int i = 0; i < wnids.size(); i++) {
      index.put(wnids.get(i), i);
    }
  }

  /** Reads a mapping file; refuses a missing or empty file, blank lines and repeated wnids. */
  public static SynsetMapping read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SscamException("cannot read synset mapping " + file + ": " + e.getMessage(), e);
    }
    // a trailing newline leaves no empty line in readAllLines; drop trailing blank lines anyway
    int end = lines.size();
    while (end > 0 && lines.get(end - 1).isBlank()) {
      end--;
    }
    List<String> wnids = new ArrayList<>();
    List<String> names = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < end; i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        throw new SscamException("synset mapping " + file + " line " + (i + 1) + " is blank (class index = line number)");
      }
      int space = line.indexOf(' ');
      String wnid = space < 0 ? line : line.substring(0, space);
      String name = space < 0 ? wnid : line.substring(space + 1).strip();
      Integer before = seen.put(wnid, i);
      if (before != null) {
        throw new SscamException("synset mapping " + file + " lists " + wnid + " twice (lines " + (before + 1)
            + " and " + (i + 1) + ")");
      }
      wnids.add(wnid);
      names.add(name);
    }
    if (wnids.isEmpty()) {
      throw new SscamException("synset mapping " + file + " is empty");
    }
    return new SynsetMapping(wnids, names);
  }

  /** The number of classes. */
  public int size() {
    return wnids.size();
  }

  /** The wnid of class {@code index}. */
  public String wnid(int index) {
    return wnids.get(index);
  }

  /** The human-readable name of class {@code index} (the rest of its line). */
  public String name(int index) {
    return names.get(index);
  }

  /** The class index of {@code wnid}, or −1 when absent. */
  public int indexOf(String wnid) {
    return index.getOrDefault(wnid, -1);
  }
}
