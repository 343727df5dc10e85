package dev.sscam.data;

import dev.sscam.SscamException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a ground-truth file into a class index per image id. Supported forms (blank lines and
 * lines starting with {@code #} are skipped):
 *
 * <ul>
 *   <li>{@code NAME label} per line (FashionScenes' {@code ground_truth.txt}): NAME is the image
 *       file name, with or without extension or folder; label is the class index (0-based, the
 *       line of {@code LOC_synset_mapping.txt}) or a wnid.
 *   <li>one integer per line, the i-th line for the i-th image in sorted name order: the 0-based
 *       class index. The count must equal the number of images.
 *   <li>ILSVRC's devkit {@code ILSVRC2012_validation_ground_truth.txt}: also one integer per line,
 *       but 1-based ILSVRC2012_IDs in the devkit's own synset order (from its {@code meta.mat}),
 *       which is not {@code LOC_synset_mapping.txt}'s order. It is read only with a devkit synset
 *       list (one wnid per line, line k = ILSVRC2012_ID k); a file of that name without the list
 *       is refused rather than silently mis-read as 0-based indices.
 *   <li>Kaggle's {@code LOC_val_solution.csv} ({@code ImageId,PredictionString} with
 *       {@code wnid xmin ymin xmax ymax ...}): the first wnid is the label.
 * </ul>
 */
final class GroundTruth {
  static final String DEVKIT_FILE_NAME = "ilsvrc2012_validation_ground_truth.txt";

  private GroundTruth() {}

  /**
   * Reads {@code file}.
   *
   * @param ids the dataset's image ids in sorted order (for the one-integer-per-line forms and the
   *     completeness check)
   * @param synsets the class list, or null when unknown (then labels must be integers)
   * @param devkitSynsets the devkit's wnid list in ILSVRC2012_ID order, or null
   * @return a label for every id
   */
  static Map<String, Integer> read(Path file, List<String> ids, SynsetMapping synsets, Path devkitSynsets) {
    List<String> raw;
    try {
      raw = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SscamException("cannot read ground truth " + file + ": " + e.getMessage(), e);
    }
    List<Integer> lineNumbers = new ArrayList<>(); // parallel to `lines`: 1-based line numbers
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      String s = raw.get(i).strip();
      if (!s.isEmpty() && !s.startsWith("#")) {
        lines.add(s);
        lineNumbers.add(i + 1);
      }
    }
    if (lines.isEmpty()) {
      throw new SscamException("ground truth " + file + " is empty");
    }
    Map<String, Integer> labels;
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".csv")) {
      labels = readKaggle(file, lines, lineNumbers, synsets);
    } else if (lines.get(0).split("\\s+").length == 1) {
      labels = readIntegers(file, lines, lineNumbers, ids, synsets, devkitSynsets, name.equals(DEVKIT_FILE_NAME));
    } else {
      labels = readNamed(file, lines, lineNumbers, synsets);
    }
    List<String> missing = new ArrayList<>();
    for (String id : ids) {
      if (!labels.containsKey(id)) {
        missing.add(id);
      }
    }
    if (!missing.isEmpty()) {
      throw new SscamException("ground truth " + file + " has no label for " + missing.size() + " image(s), e.g. "
          + missing.get(0));
    }
    return labels;
  }

  private static Map<String, Integer> readNamed(Path file, List<String> lines, List<Integer> no, SynsetMapping synsets) {
    Map<String, Integer> labels = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String[] parts = lines.get(i).split("\\s+");
      if (parts.length != 2) {
        throw new SscamException("ground truth " + file + " line " + no.get(i) + ": expected 'NAME label', got '"
            + lines.get(i) + "'");
      }
      String id = ImageFiles.stem(Path.of(parts[0]).getFileName().toString());
      int label = label(file, no.get(i), parts[1], synsets);
      Integer before = labels.put(id, label);
      if (before != null && before != label) {
        throw new SscamException("ground truth " + file + " line " + no.get(i) + ": " + id + " labelled twice ("
            + before + " and " + label + ")");
      }
    }
    return labels;
  }

  private static Map<String, Integer> readIntegers(Path file, List<String> lines, List<Integer> no, List<String> ids,
      SynsetMapping synsets, Path devkitSynsets, boolean devkitName) {
    if (devkitName && devkitSynsets == null) {
      throw new SscamException("ground truth " + file + " is ILSVRC's devkit file: its labels are 1-based"
          + " ILSVRC2012_IDs in the devkit's synset order, not LOC_synset_mapping.txt's; give the devkit's synset"
          + " list (one wnid per line in ID order), or use a 'NAME label' file, or no ground-truth file at all to"
          + " take labels from the XML annotations");
    }
    if (lines.size() != ids.size()) {
      throw new SscamException("ground truth " + file + " has " + lines.size() + " labels (one per line) but there are "
          + ids.size() + " images; a one-label-per-line file must list every image, in sorted name order");
    }
    List<String> devkit = devkitSynsets == null ? null : readDevkitSynsets(devkitSynsets);
    if (devkit != null && synsets == null) {
      throw new SscamException("devkit labels in " + file + " need LOC_synset_mapping.txt to map wnids to class indices");
    }
    Map<String, Integer> labels = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      int line = no.get(i);
      int value = integer(file, line, lines.get(i));
      int label;
      if (devkit != null) {
        if (value < 1 || value > devkit.size()) {
          throw new SscamException("ground truth " + file + " line " + line + ": ILSVRC2012_ID " + value
              + " is outside 1.." + devkit.size() + " of the devkit synset list");
        }
        String wnid = devkit.get(value - 1);
        label = synsets.indexOf(wnid);
        if (label < 0) {
          throw new SscamException("devkit synset " + wnid + " (ID " + value + ") is not in LOC_synset_mapping.txt");
        }
      } else {
        label = checkRange(file, line, value, synsets);
      }
      labels.put(ids.get(i), label);
    }
    return labels;
  }

  private static Map<String, Integer> readKaggle(Path file, List<String> lines, List<Integer> no, SynsetMapping synsets) {
    Map<String, Integer> labels = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String s = lines.get(i);
      if (i == 0 && s.toLowerCase(Locale.ROOT).startsWith("imageid")) {
        continue;
      }
      int comma = s.indexOf(',');
      String[] prediction = comma < 0 ? new String[0] : s.substring(comma + 1).strip().split("\\s+");
      if (comma < 0 || prediction.length == 0 || prediction[0].isEmpty()) {
        throw new SscamException("ground truth " + file + " line " + no.get(i)
            + ": expected 'ImageId,wnid xmin ymin xmax ymax ...', got '" + s + "'");
      }
      labels.put(ImageFiles.stem(s.substring(0, comma).strip()), label(file, no.get(i), prediction[0], synsets));
    }
    return labels;
  }

  private static List<String> readDevkitSynsets(Path file) {
    try {
      List<String> wnids = new ArrayList<>();
      Set<String> seen = new HashSet<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String s = line.strip();
        if (!s.isEmpty()) {
          String wnid = s.split("\\s+")[0];
          if (!seen.add(wnid)) {
            throw new SscamException("devkit synset list " + file + " lists " + wnid + " twice");
          }
          wnids.add(wnid);
        }
      }
      return wnids;
    } catch (IOException e) {
      throw new SscamException("cannot read devkit synset list " + file + ": " + e.getMessage(), e);
    }
  }

  private static int label(Path file, int line, String text, SynsetMapping synsets) {
    if (!text.isEmpty() && (Character.isDigit(text.charAt(0)) || text.charAt(0) == '-')) {
      return checkRange(file, line, integer(file, line, text), synsets);
    }
    if (synsets == null) {
      throw new SscamException("ground truth " + file + " line " + line + " names class '" + text
          + "' but no LOC_synset_mapping.txt was found to turn it into an index");
    }
    int index = synsets.indexOf(text);
    if (index < 0) {
      throw new SscamException("ground truth " + file + " line " + line + ": class '" + text
          + "' is not in LOC_synset_mapping.txt");
    }
    return index;
  }

  private static int integer(Path file, int line, String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new SscamException("ground truth " + file + " line " + line + ": '" + text + "' is not an integer label");
    }
  }

  private static int checkRange(Path file, int line, int label, SynsetMapping synsets) {
    int max = synsets == null ? Integer.MAX_VALUE : synsets.size();
    if (label < 0 || label >= max) {
      throw new SscamException("ground truth " + file + " line " + line + ": label " + label + " is outside 0.."
          + (max - 1) + (synsets == null ? "" : " (the classes of LOC_synset_mapping.txt)"));
    }
    return label;
  }
}
