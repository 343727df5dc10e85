package dev.sscam.metrics;

import dev.sscam.SscamException;

/**
 * An axis-aligned box in an image's own pixels, both ends inclusive (the ILSVRC / PASCAL VOC XML
 * {@code bndbox}): columns {@code xmin..xmax}, rows {@code ymin..ymax}, 0-based. Serializable, so
 * that a distributed run (module {@code spark}) ships it to where it is evaluated.
 *
 * @param xmin first column
 * @param ymin first row
 * @param xmax last column (inclusive)
 * @param ymax last row (inclusive)
 */
public record PixelBox(int xmin, int ymin, int xmax, int ymax) implements java.io.Serializable {

  /** Validates {@code xmin ≤ xmax} and {@code ymin ≤ ymax}. */
  public PixelBox {
    if (xmin > xmax || ymin > ymax) {
      throw new SscamException("box has min after max: x " + xmin + ".." + xmax + ", y " + ymin + ".." + ymax);
    }
  }
}
