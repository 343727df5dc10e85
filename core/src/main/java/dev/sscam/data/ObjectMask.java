package dev.sscam.data;

import dev.sscam.InputUnreachableException;
import dev.sscam.SscamException;
import dev.sscam.metrics.Region;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import dev.sscam.image.ImageReader;
import java.nio.file.Path;

/**
 * An object's binary mask read from an image file (FashionScenes: {@code val/masks/NAME.png},
 * 255 = object). A pixel is "object" when its grey level (the first band of a grey image, else the
 * mean of R, G, B) is at least half the maximum (≥ 128 of 255).
 *
 * @param width the mask's width
 * @param height the mask's height
 * @param pixels row-major, true = object
 */
public record ObjectMask(int width, int height, boolean[] pixels) {

  /** Reads a mask image. */
  public static ObjectMask read(Path file) {
    BufferedImage img;
    try {
      // The image reader's checks: a corrupt file or a header declaring a decompression bomb is refused.
      img = ImageReader.readAsStored(file);
    } catch (InputUnreachableException e) {
      // still the environment's fault: keep the type, so an evaluation stops rather than skips
      throw new InputUnreachableException(e.path(), "mask: " + e.getMessage(), e);
    } catch (SscamException e) {
      throw new SscamException("mask: " + e.getMessage(), e);
    }
    int w = img.getWidth();
    int h = img.getHeight();
    boolean[] px = new boolean[w * h];
    boolean grey = img.getType() == BufferedImage.TYPE_BYTE_GRAY || img.getType() == BufferedImage.TYPE_USHORT_GRAY
        || img.getType() == BufferedImage.TYPE_BYTE_BINARY && img.getColorModel().getNumComponents() == 1;
    Raster raster = img.getRaster();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        if (grey) {
          // read the stored level, not getRGB's colour-converted one
          int bits = img.getColorModel().getComponentSize(0);
          px[y * w + x] = raster.getSample(x, y, 0) >= (1 << (bits - 1));
        } else {
          int rgb = img.getRGB(x, y);
          int mean = (((rgb >> 16) & 255) + ((rgb >> 8) & 255) + (rgb & 255)) / 3;
          px[y * w + x] = mean >= 128;
        }
      }
    }
    return new ObjectMask(w, h, px);
  }

  /** The mask on the {@code width×height} model input (nearest neighbour, {@link Region#ofMask}). */
  public Region region(int inputWidth, int inputHeight) {
    return Region.ofMask(pixels, width, height, inputWidth, inputHeight);
  }
}
