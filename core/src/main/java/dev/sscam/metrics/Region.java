package dev.sscam.metrics;

import dev.sscam.SscamException;
import java.util.List;

/**
 * A set of pixels of the model input ({@code H×W}, row-major, index {@code y·W + x}): where the
 * energy pointing game counts a map's energy as "on the object".
 */
public final class Region {
  private final int height;
  private final int width;
  private final boolean[] inside;
  private final int count;

  private Region(int height, int width, boolean[] inside) {
    this.height = height;
    this.width = width;
    this.inside = inside;
    int c = 0;
    for (boolean b : inside) {
      if (b) {
        c++;
      }
    }
    this.count = c;
  }

  /**
   * The union of boxes given in the original image's pixels, scaled to the {@code width×height}
   * model input (which the paper's preprocessing reaches by a plain resize, no crop).
   *
   * <p>Each image pixel {@code x} covers {@code [x, x+1)}; the box covers {@code [xmin, xmax+1)},
   * which scales to {@code [xmin·W/w, (xmax+1)·W/w)}. The region holds every input column that this
   * interval overlaps:
   *
   * <pre>
   *   x'min = floor(xmin · W / w)          x'max = ceil((xmax + 1) · W / w) − 1
   * </pre>
   *
   * (rows alike with {@code H/h}), computed in exact integer arithmetic. So a full-image box stays
   * full, equal sizes map identically, and a one-pixel box never vanishes. Coordinates outside the
   * image are first clamped to {@code [0, w−1]} / {@code [0, h−1]} (some ILSVRC boxes end one past
   * the edge).
   *
   * @param boxes the target class's boxes (their union is taken); may be empty (empty region)
   * @param imageWidth w, the original image's width the boxes refer to
   * @param imageHeight h
   * @param width W, the model input's width
   * @param height H
   */
  public static Region ofBoxes(List<PixelBox> boxes, int imageWidth, int imageHeight, int width, int height) {
    requirePositive("image", imageWidth, imageHeight);
    requirePositive("input", width, height);
    boolean[] inside = new boolean[width * height];
    for (PixelBox b : boxes) {
      int x0 = scaleMin(clamp(b.xmin(), imageWidth), imageWidth, width);
      int x1 = scaleMax(clamp(b.xmax(), imageWidth), imageWidth, width);
      int y0 = scaleMin(clamp(b.ymin(), imageHeight), imageHeight, height);
      int y1 = scaleMax(clamp(b.ymax(), imageHeight), imageHeight, height);
      for (int y = y0; y <= y1; y++) {
        for (int x = x0; x <= x1; x++) {
          inside[y * width + x] = true;
        }
      }
    }
    return new Region(height, width, inside);
  }

  /**
   * A binary object mask given at its own resolution, resized to the {@code width×height} input by
   * nearest neighbour with pixel centres aligned (as PIL's {@code NEAREST}): input pixel
   * {@code (x, y)} takes mask pixel {@code (floor((x + ½)·mw/W), floor((y + ½)·mh/H))}.
   *
   * @param mask {@code maskWidth·maskHeight} values, row-major, true = object
   */
  public static Region ofMask(boolean[] mask, int maskWidth, int maskHeight, int width, int height) {
    requirePositive("mask", maskWidth, maskHeight);
    requirePositive("input", width, height);
    if (mask.length != maskWidth * maskHeight) {
      throw new SscamException("mask has " + mask.length + " values, expected " + maskWidth + "x" + maskHeight);
    }
    boolean[] inside = new boolean[width * height];
    for (int y = 0; y < height; y++) {
      int sy = (int) Math.min(maskHeight - 1, ((2L * y + 1) * maskHeight) / (2L * height));
      for (int x = 0; x < width; x++) {
        int sx = (int) Math.min(maskWidth - 1, ((2L * x + 1) * maskWidth) / (2L * width));
        inside[y * width + x] = mask[sy * maskWidth + sx];
      }
    }
    return new Region(height, width, inside);
  }

  /** H. */
  public int height() {
    return height;
  }

  /** W. */
  public int width() {
    return width;
  }

  /** Whether input pixel (column x, row y) is in the region. */
  public boolean contains(int x, int y) {
    return inside[y * width + x];
  }

  /** The number of pixels in the region. */
  public int pixelCount() {
    return count;
  }

  /** The region's share of the input's area, in [0, 1]: what a uniform map scores in the pointing game. */
  public double areaShare() {
    return count / (double) (width * height);
  }

  boolean containsIndex(int index) {
    return inside[index];
  }

  private static int clamp(int v, int size) {
    return Math.max(0, Math.min(size - 1, v));
  }

  private static int scaleMin(int v, int from, int to) {
    return (int) (((long) v * to) / from);
  }

  private static int scaleMax(int v, int from, int to) {
    long end = (long) (v + 1) * to; // exclusive end, times `from`
    return (int) ((end + from - 1) / from) - 1;
  }

  private static void requirePositive(String what, int w, int h) {
    if (w <= 0 || h <= 0) {
      throw new SscamException(what + " size must be positive, got " + w + "x" + h);
    }
  }
}
