package dev.sscam.data;

import dev.sscam.metrics.PixelBox;
import java.nio.file.Path;
import java.util.List;

/**
 * One evaluation image and what is known about it.
 *
 * @param id the image's name without extension (e.g. {@code ILSVRC2012_val_00000001})
 * @param image the image file
 * @param label the ground-truth class index (line number in the synset mapping, 0-based), or −1
 *     when unknown (a plain image folder)
 * @param width the image's width in pixels as annotated and checked against the file, or −1 when
 *     not read (no annotation)
 * @param height the image's height, or −1
 * @param boxes every annotated object (all classes), in the image's own pixels; empty when none
 * @param mask the object's binary mask image, or null when there is none
 */
public record DatasetItem(String id, Path image, int label, int width, int height, List<BoundingBox> boxes, Path mask) {

  /** Copies the box list. */
  public DatasetItem {
    boxes = List.copyOf(boxes);
  }

  /** Whether the ground-truth label is known. */
  public boolean hasLabel() {
    return label >= 0;
  }

  /** The boxes of class {@code classIndex}: the region the energy pointing game unites. */
  public List<PixelBox> boxesOf(int classIndex) {
    return boxes.stream().filter(b -> b.classIndex() == classIndex).map(BoundingBox::box).toList();
  }
}
