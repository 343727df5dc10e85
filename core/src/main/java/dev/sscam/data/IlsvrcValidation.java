package dev.sscam.data;

import dev.sscam.InputUnreachableException;
import dev.sscam.SscamException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * The ILSVRC 2012 validation layout, as FashionScenes and ImageNet ship it.
 *
 * <p><b>Finding the parts.</b> The root may be the dataset folder or the image folder itself.
 * Each part not given explicitly is looked for in order (first match wins), staying inside the
 * root except for the class list:
 *
 * <ul>
 *   <li>images: {@code root/val/images}, {@code root/images}, {@code root/ILSVRC/Data/CLS-LOC/val}
 *       (Kaggle), {@code root/val}, {@code root} — the first holding .jpg .jpeg .png .bmp .gif
 *       files (extension case-insensitive);
 *   <li>annotations ({@code ID.xml}, optional): {@code IMAGES/../annotations} (inside the root),
 *       {@code root/annotations}, {@code root/val/annotations},
 *       {@code root/ILSVRC/Annotations/CLS-LOC/val}, or the image folder itself when it holds .xml;
 *   <li>ground truth (optional when there are annotations): {@code IMAGES/../ground_truth.txt},
 *       {@code root/ground_truth.txt}, {@code root/val/ground_truth.txt},
 *       {@code root/LOC_val_solution.csv}, {@code root/../LOC_val_solution.csv} — forms in
 *       {@link GroundTruth}; without one, each image's label is the class of its annotated objects;
 *   <li>classes, {@code LOC_synset_mapping.txt} (required with annotations or wnid labels):
 *       {@code root}, {@code IMAGES/..}, {@code IMAGES/../..}, {@code root/..};
 *   <li>masks ({@code ID.png}, optional per image): {@code IMAGES/../masks}, {@code root/masks},
 *       {@code root/val/masks}.
 * </ul>
 *
 * <p><b>Strict errors.</b> An explicit path that does not exist, no images, duplicate image ids,
 * an image without its XML when there is an annotation folder, an image without a label, a label
 * outside the class list: each is an {@link SscamException} naming the file. Opening lists files
 * and reads the ground truth; annotations are parsed when an {@link #item} is read, which also
 * checks that the XML's {@code size} equals the image file's (read from its header) and that the
 * label's class has at least one box. A zero or missing XML size takes the file's.
 */
public final class IlsvrcValidation implements Dataset {
  /** The class list's file name. */
  public static final String SYNSET_MAPPING = "LOC_synset_mapping.txt";

  private final Path imagesDir;
  private final List<Path> images;
  private final List<String> ids;
  private final Path annotationsDir;
  private final Path groundTruthFile;
  private final Map<String, Integer> labels;
  private final SynsetMapping synsets;
  private final Path masksDir;

  private IlsvrcValidation(Path imagesDir, List<Path> images, List<String> ids, Path annotationsDir,
      Path groundTruthFile, Map<String, Integer> labels, SynsetMapping synsets, Path masksDir) {
    this.imagesDir = imagesDir;
    this.images = images;
    this.ids = ids;
    this.annotationsDir = annotationsDir;
    this.groundTruthFile = groundTruthFile;
    this.labels = labels;
    this.synsets = synsets;
    this.masksDir = masksDir;
  }

  /** Opens {@code root} finding every part by the rules above. */
  public static IlsvrcValidation open(Path root) {
    return builder(root).build();
  }

  /** A builder for {@code root}, to name parts explicitly. */
  public static Builder builder(Path root) {
    return new Builder(root);
  }

  /** Explicit locations; anything left unset is looked for. */
  public static final class Builder {
    private final Path root;
    private Path annotations;
    private Path groundTruth;
    private Path synsetMapping;
    private Path masks;
    private Path devkitSynsets;

    private Builder(Path root) {
      this.root = root;
    }

    /** The folder of {@code ID.xml} annotations. */
    public Builder annotations(Path dir) {
      this.annotations = dir;
      return this;
    }

    /** The ground-truth file (any form of {@link GroundTruth}). */
    public Builder groundTruth(Path file) {
      this.groundTruth = file;
      return this;
    }

    /** The class list, {@code LOC_synset_mapping.txt}. */
    public Builder synsetMapping(Path file) {
      this.synsetMapping = file;
      return this;
    }

    /** The folder of {@code ID.png} object masks. */
    public Builder masks(Path dir) {
      this.masks = dir;
      return this;
    }

    /** For the devkit's ground truth: its wnids, one per line, line k = ILSVRC2012_ID k. */
    public Builder devkitSynsets(Path file) {
      this.devkitSynsets = file;
      return this;
    }

    /** Finds the parts, lists the images and reads the labels. */
    public IlsvrcValidation build() {
      if (!Files.isDirectory(root)) {
        throw new SscamException("dataset folder " + root + " does not exist");
      }
      Path rootAbs = root.toAbsolutePath().normalize();
      Set<Path> imageCandidates = new LinkedHashSet<>(List.of(rootAbs.resolve("val/images"), rootAbs.resolve("images"),
          rootAbs.resolve("ILSVRC/Data/CLS-LOC/val"), rootAbs.resolve("val"), rootAbs));
      Path imagesDir = imageCandidates.stream().filter(ImageFiles::hasImages).findFirst().orElseThrow(() ->
          new SscamException("no images (.jpg .jpeg .png .bmp .gif) in " + root + "; looked in "
              + String.join(", ", imageCandidates.stream().map(Path::toString).toList())));
      List<Path> images = ImageFiles.list(imagesDir);
      List<String> ids = images.stream().map(ImageFiles::stem).toList();
      Set<String> unique = new HashSet<>();
      for (String id : ids) {
        if (!unique.add(id)) {
          throw new SscamException("two images in " + imagesDir + " share the name " + id + " (different extensions)");
        }
      }
      Path parent = imagesDir.equals(rootAbs) ? null : imagesDir.getParent();

      Path annotationsDir = explicitDir("annotations folder", annotations);
      if (annotations == null) {
        List<Path> candidates = new ArrayList<>();
        if (parent != null) {
          candidates.add(parent.resolve("annotations"));
        }
        candidates.addAll(List.of(rootAbs.resolve("annotations"), rootAbs.resolve("val/annotations"),
            rootAbs.resolve("ILSVRC/Annotations/CLS-LOC/val")));
        annotationsDir = candidates.stream().filter(Files::isDirectory).findFirst()
            .orElse(holdsXml(imagesDir) ? imagesDir : null);
      }

      Path synsetFile = explicitFile("synset mapping", synsetMapping);
      List<Path> synsetCandidates = new ArrayList<>();
      if (synsetFile == null) {
        for (Path dir : new Path[] {rootAbs, parent, parent == null ? null : parent.getParent(), rootAbs.getParent()}) {
          if (dir != null) {
            synsetCandidates.add(dir.resolve(SYNSET_MAPPING));
          }
        }
        synsetFile = synsetCandidates.stream().filter(Files::isRegularFile).findFirst().orElse(null);
      }
      SynsetMapping synsets = synsetFile == null ? null : SynsetMapping.read(synsetFile);
      if (synsets == null && annotationsDir != null) {
        throw new SscamException("the annotations in " + annotationsDir + " name classes by wnid, but " + SYNSET_MAPPING
            + " was not found (looked for " + String.join(", ", synsetCandidates.stream().map(Path::toString).toList())
            + "); give its location");
      }

      Path gtFile = explicitFile("ground truth", groundTruth);
      List<Path> gtCandidates = new ArrayList<>();
      if (groundTruth == null) {
        if (parent != null) {
          gtCandidates.add(parent.resolve("ground_truth.txt"));
        }
        gtCandidates.addAll(List.of(rootAbs.resolve("ground_truth.txt"), rootAbs.resolve("val/ground_truth.txt"),
            rootAbs.resolve("LOC_val_solution.csv")));
        if (rootAbs.getParent() != null) {
          gtCandidates.add(rootAbs.getParent().resolve("LOC_val_solution.csv"));
        }
        gtFile = gtCandidates.stream().filter(Files::isRegularFile).findFirst().orElse(null);
      }
      Path devkit = explicitFile("devkit synset list", devkitSynsets);
      if (gtFile == null && annotationsDir == null) {
        throw new SscamException("no labels for " + imagesDir + ": no ground-truth file (looked for "
            + String.join(", ", gtCandidates.stream().map(Path::toString).toList())
            + ") and no annotations folder to take them from");
      }
      Map<String, Integer> labels = gtFile == null ? null : GroundTruth.read(gtFile, ids, synsets, devkit);

      if (annotationsDir != null) {
        List<String> missing = new ArrayList<>();
        for (String id : ids) {
          if (!Files.isRegularFile(annotationsDir.resolve(id + ".xml"))) {
            missing.add(id);
          }
        }
        if (!missing.isEmpty()) {
          throw new SscamException(missing.size() + " image(s) have no annotation in " + annotationsDir + ", e.g. "
              + annotationsDir.resolve(missing.get(0) + ".xml") + " (for " + missing.get(0) + ")");
        }
      }

      Path masksDir = explicitDir("masks folder", masks);
      if (masks == null) {
        List<Path> candidates = new ArrayList<>();
        if (parent != null) {
          candidates.add(parent.resolve("masks"));
        }
        candidates.addAll(List.of(rootAbs.resolve("masks"), rootAbs.resolve("val/masks")));
        masksDir = candidates.stream().filter(Files::isDirectory).findFirst().orElse(null);
      }
      return new IlsvrcValidation(imagesDir, images, ids, annotationsDir, gtFile, labels, synsets, masksDir);
    }

    private static Path explicitDir(String what, Path p) {
      if (p != null && !Files.isDirectory(p)) {
        throw new SscamException(what + " " + p + " does not exist");
      }
      return p == null ? null : p.toAbsolutePath().normalize();
    }

    private static Path explicitFile(String what, Path p) {
      if (p != null && !Files.isRegularFile(p)) {
        throw new SscamException(what + " " + p + " does not exist");
      }
      return p == null ? null : p.toAbsolutePath().normalize();
    }

    private static boolean holdsXml(Path dir) {
      try (var s = Files.list(dir)) {
        return s.anyMatch(p -> p.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".xml"));
      } catch (IOException e) {
        return false;
      }
    }
  }

  @Override
  public List<String> ids() {
    return ids;
  }

  @Override
  public DatasetItem item(int index) {
    String id = ids.get(index);
    Path image = images.get(index);
    int width = -1;
    int height = -1;
    List<BoundingBox> boxes = List.of();
    if (annotationsDir != null) {
      Path xml = annotationsDir.resolve(id + ".xml");
      VocAnnotation a = VocAnnotation.read(xml);
      int[] actual = imageSize(image);
      if (a.width() > 0 && a.height() > 0 && (a.width() != actual[0] || a.height() != actual[1])) {
        throw new SscamException("annotation " + xml + " says the image is " + a.width() + "x" + a.height() + " but "
            + image + " is " + actual[0] + "x" + actual[1]);
      }
      width = actual[0];
      height = actual[1];
      List<BoundingBox> list = new ArrayList<>();
      List<VocAnnotation.AnnotatedObject> objects = a.clippedTo(width, height, xml).objects();
      for (int i = 0; i < objects.size(); i++) {
        VocAnnotation.AnnotatedObject o = objects.get(i);
        int classIndex = synsets.indexOf(o.name());
        if (classIndex < 0) {
          throw new SscamException("annotation " + xml + ": object " + (i + 1) + " is labelled '" + o.name()
              + "', which is not in " + SYNSET_MAPPING);
        }
        list.add(new BoundingBox(o.name(), classIndex, o.box()));
      }
      boxes = list;
    }
    int label = labels != null ? labels.get(id) : labelFromBoxes(id, boxes);
    if (!boxes.isEmpty() && boxes.stream().noneMatch(b -> b.classIndex() == label)) {
      throw new SscamException("the label of " + id + " (" + describe(label) + ") has no box in "
          + annotationsDir.resolve(id + ".xml") + ", which annotates " + boxNames(boxes)
          + " (a ground-truth file in another class order?)");
    }
    Path mask = masksDir == null ? null : masksDir.resolve(id + ".png");
    return new DatasetItem(id, image, label, width, height, boxes, mask != null && Files.isRegularFile(mask) ? mask : null);
  }

  private int labelFromBoxes(String id, List<BoundingBox> boxes) {
    Path xml = annotationsDir.resolve(id + ".xml");
    if (boxes.isEmpty()) {
      throw new SscamException("no label for " + id + ": no ground-truth file and " + xml + " annotates no object");
    }
    Set<Integer> classes = new TreeSet<>();
    for (BoundingBox b : boxes) {
      if (b.classIndex() < 0) {
        throw new SscamException("no label for " + id + ": " + xml + " annotates '" + b.wnid() + "', which is not in "
            + SYNSET_MAPPING);
      }
      classes.add(b.classIndex());
    }
    if (classes.size() > 1) {
      throw new SscamException("no label for " + id + ": " + xml + " annotates several classes " + boxNames(boxes)
          + "; give a ground-truth file");
    }
    return classes.iterator().next();
  }

  private String describe(int label) {
    return label + (synsets != null && label < synsets.size() ? " = " + synsets.wnid(label) : "");
  }

  private static String boxNames(List<BoundingBox> boxes) {
    Set<String> names = new TreeSet<>();
    for (BoundingBox b : boxes) {
      names.add(b.wnid());
    }
    return names.toString();
  }

  /** {width, height} from the image file's header (no pixel decoding). */
  static int[] imageSize(Path image) {
    // by extension first: probing every installed reader on the stream costs more than the read;
    // a file whose extension lies falls back to probing
    Iterator<ImageReader> bySuffix = ImageIO.getImageReadersBySuffix(ImageFiles.extension(image));
    if (bySuffix.hasNext()) {
      try {
        return imageSize(image, bySuffix.next());
      } catch (IOException | RuntimeException wrongReader) {
        // fall through to probing
      }
    }
    try (ImageInputStream in = ImageIO.createImageInputStream(image.toFile())) {
      if (in == null) {
        throw new InputUnreachableException(image.toString(), "cannot open image " + image);
      }
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new SscamException("image " + image + " is not in a format sscam can read");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        return new int[] {reader.getWidth(0), reader.getHeight(0)};
      } finally {
        reader.dispose();
      }
    } catch (IOException e) {
      if (InputUnreachableException.isStorageFailure(e)) {
        throw new InputUnreachableException(image.toString(), "cannot read the size of image " + image + ": "
            + e.getMessage(), e);
      }
      throw new SscamException("cannot read the size of image " + image + ": " + e.getMessage(), e);
    }
  }

  private static int[] imageSize(Path image, ImageReader reader) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(image.toFile())) {
      if (in == null) {
        throw new SscamException("cannot open image " + image);
      }
      reader.setInput(in, true, true);
      return new int[] {reader.getWidth(0), reader.getHeight(0)};
    } finally {
      reader.dispose();
    }
  }

  /** The folder the images were found in. */
  public Path imagesDir() {
    return imagesDir;
  }

  /** The annotation folder, when there is one. */
  public Optional<Path> annotationsDir() {
    return Optional.ofNullable(annotationsDir);
  }

  /** The ground-truth file, when labels come from one (else from the annotations). */
  public Optional<Path> groundTruthFile() {
    return Optional.ofNullable(groundTruthFile);
  }

  /** The class list, when found. */
  public Optional<SynsetMapping> synsets() {
    return Optional.ofNullable(synsets);
  }

  /** The mask folder, when there is one. */
  public Optional<Path> masksDir() {
    return Optional.ofNullable(masksDir);
  }
}
