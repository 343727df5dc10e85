package dev.sscam.data;

import dev.sscam.SscamException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/** Finding image files in a folder and naming them. */
final class ImageFiles {
  /** The extensions read as images, compared lower-case. */
  static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "gif");

  private ImageFiles() {}

  /** The image files directly in {@code dir} (not sub-folders), sorted by file name. */
  static List<Path> list(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> EXTENSIONS.contains(extension(p)))
          .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
          .toList();
    } catch (IOException e) {
      throw new SscamException("cannot list images in " + dir + ": " + e.getMessage(), e);
    }
  }

  static boolean hasImages(Path dir) {
    return Files.isDirectory(dir) && !list(dir).isEmpty();
  }

  static String extension(Path p) {
    String name = p.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  /** The file name without its extension. */
  static String stem(Path p) {
    return stem(p.getFileName().toString());
  }

  static String stem(String name) {
    int dot = name.lastIndexOf('.');
    return dot <= 0 ? name : name.substring(0, dot);
  }
}
