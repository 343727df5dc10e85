package dev.sscam.data;

import dev.sscam.SscamException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A plain folder of images: every {@code .jpg .jpeg .png .bmp .gif} file directly in it
 * (extension case-insensitive, sub-folders ignored), sorted by file name; no labels (−1), no boxes.
 */
public final class ImageFolder implements Dataset {
  private final List<Path> images;
  private final List<String> ids;

  private ImageFolder(List<Path> images) {
    this.images = images;
    this.ids = images.stream().map(ImageFiles::stem).toList();
  }

  /** Lists {@code dir}; refuses a missing folder or one without images. */
  public static ImageFolder open(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new SscamException("image folder " + dir + " does not exist");
    }
    List<Path> images = ImageFiles.list(dir);
    if (images.isEmpty()) {
      throw new SscamException("no images (" + String.join(", ", ImageFiles.EXTENSIONS.stream().sorted().toList())
          + ") in " + dir);
    }
    return new ImageFolder(images);
  }

  @Override
  public List<String> ids() {
    return ids;
  }

  @Override
  public DatasetItem item(int index) {
    return new DatasetItem(ids.get(index), images.get(index), -1, -1, -1, List.of(), null);
  }
}
