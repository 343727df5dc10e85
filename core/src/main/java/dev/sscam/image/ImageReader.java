package dev.sscam.image;

import dev.sscam.InputUnreachableException;
import dev.sscam.SscamException;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads an image file into 8-bit RGB with the same pixel values PIL gives for {@code
 * Image.open(path).convert('RGB')}, the first step of every torchvision pipeline.
 *
 * <p>Conversion rules (PIL's, per source layout), applied to the decoded samples without any
 * colour management (PIL ignores ICC profiles and PNG gamma on {@code convert}):
 *
 * <ul>
 *   <li>gray {@code g} (1/2/4/8 bit, scaled to 0..255 as {@code g·255/(2^b−1)}) → {@code (g,g,g)};
 *   <li>16-bit gray (PIL mode {@code I;16}) → {@code min(g, 255)} — PIL clips, it does not scale;
 *   <li>other 16-bit samples (RGB, RGBA, gray+alpha) → the high byte {@code v >> 8} (PIL's
 *       {@code ;16B} unpackers keep the most significant byte);
 *   <li>alpha is dropped, never composited; palette indices → palette RGB;
 *   <li>CMYK JPEG → {@code R = (255−C)(255−K)/255} etc. (PIL's {@code cmyk2rgb}, on Adobe-inverted
 *       samples), not an ICC transform.
 * </ul>
 *
 * EXIF orientation is not applied (neither PIL's {@code Image.open} nor torchvision applies it):
 * the stored pixel grid is used as is, so a phone photo tagged "rotate 90°" is read lying on its
 * side, exactly as the model saw it in training. GIF and other multi-image files yield their first
 * image.
 *
 * <p>Limits: an image whose header declares more than {@link #MAX_PIXELS} pixels is refused before
 * any pixel memory is allocated (a decompression bomb: a few kilobytes can declare 100,000 ×
 * 100,000). Every failure is an {@link SscamException} with a one-line message naming the file; a
 * file that is missing, unreadable or fails with an I/O error is an {@link InputUnreachableException}
 * (the environment's fault), one that exists but cannot be decoded a plain {@code SscamException}
 * (the content's).
 */
public final class ImageReader {
  /**
   * The largest image read, in pixels: PIL's {@code Image.MAX_IMAGE_PIXELS} (89,478,485, about
   * 9459 × 9459), the size at which torchvision's loader starts warning of a decompression bomb.
   * Decoding it takes about 1 GB of heap.
   */
  public static final long MAX_PIXELS = 89_478_485L;

  private ImageReader() {}

  /** Reads {@code file} as TYPE_INT_RGB, converted as described on the class. */
  public static BufferedImage read(Path file) {
    return read(file, MAX_PIXELS);
  }

  /**
   * Reads {@code file} as stored (its own colour model and sample sizes, e.g. a 16-bit grey mask),
   * with the same checks and limits as {@link #read(Path)}.
   */
  public static BufferedImage readAsStored(Path file) {
    return read(file, MAX_PIXELS, true);
  }

  /**
   * Reads {@code file} as TYPE_INT_RGB, refusing images whose header declares more than {@code
   * maxPixels} pixels before any pixel memory is allocated (a server's per-request limit; the fuzz
   * tests use a small one to keep each try fast).
   *
   * @throws ImageTooLargeException when the header declares more than {@code maxPixels} pixels
   */
  public static BufferedImage read(Path file, long maxPixels) {
    return read(file, maxPixels, false);
  }

  /**
   * Refuses a path that is missing, not a readable regular file, or empty, with the messages {@link
   * #read(Path)} gives, without decoding it (so a list of images can be checked before long work).
   *
   * @throws InputUnreachableException when the file is missing or not readable
   * @throws SscamException when it is empty
   */
  public static void requireNonEmptyFile(Path file) {
    if (!Files.exists(file)) {
      throw new InputUnreachableException(file.toString(), "Image file not found: " + file);
    }
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new InputUnreachableException(file.toString(), "Not a readable file: " + file);
    }
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new InputUnreachableException(file.toString(), "Cannot read image file " + file + ": " + e.getMessage(), e);
    }
    if (size == 0) {
      // there, readable and empty: the content is bad, not the path
      throw new SscamException("Image file is empty (0 bytes): " + file);
    }
  }

  private static BufferedImage read(Path file, long maxPixels, boolean asStored) {
    requireNonEmptyFile(file);
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      if (in == null) {
        // ImageIO answers null when it cannot open the file at all
        throw new InputUnreachableException(file.toString(), "Cannot open image file: " + file);
      }
      Iterator<javax.imageio.ImageReader> readers = readersFor(in);
      if (!readers.hasNext()) {
        throw new SscamException(
            "Not an image in a supported format (JPEG, PNG, BMP, GIF): " + file);
      }
      javax.imageio.ImageReader reader = readers.next();
      try {
        return decode(reader, in, file, maxPixels, asStored);
      } finally {
        reader.dispose();
      }
    } catch (IOException e) {
      // opening or closing the stream: no decoder was involved
      throw new InputUnreachableException(file.toString(), "Cannot read image file " + file + ": " + e.getMessage(), e);
    }
  }

  /** The readers whose format sniffing accepts the stream; a sniffer that throws is no match. */
  private static Iterator<javax.imageio.ImageReader> readersFor(ImageInputStream in) {
    try {
      return ImageIO.getImageReaders(in);
    } catch (RuntimeException e) {
      return java.util.Collections.emptyIterator();
    }
  }

  private static BufferedImage decode(
      javax.imageio.ImageReader reader, ImageInputStream in, Path file, long maxPixels, boolean asStored) {
    String format = formatName(reader);
    List<String> warnings = new ArrayList<>();
    reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
    reader.setInput(in, true, true);
    Raster raster;
    ColorModel colorModel;
    try {
      refuseBombs(reader, file, format, maxPixels);
      if (asStored) {
        BufferedImage decoded = reader.read(0);
        checkWarnings(warnings, format, file);
        return decoded;
      }
      JpegLayout jpeg = format.equals("jpeg") ? JpegLayout.of(file) : null;
      if (jpeg != null && jpeg.components() == 4) {
        // CMYK / YCCK: take the stored samples, not the reader's ICC-managed RGB (PIL ignores
        // profiles and applies its own naive formula).
        raster = jpeg.toLibjpegCmyk(reader.readRaster(0, null));
        colorModel = null;
      } else {
        BufferedImage decoded = reader.read(0);
        raster = decoded.getRaster();
        colorModel = decoded.getColorModel();
      }
    } catch (SscamException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      if (InputUnreachableException.isStorageFailure(e)) {
        throw new InputUnreachableException(file.toString(), "Cannot read image file " + file + ": " + oneLine(why), e);
      }
      throw new SscamException(
          "Corrupt or truncated " + format.toUpperCase(Locale.ROOT) + " image " + file + ": "
              + oneLine(why),
          e);
    }
    checkWarnings(warnings, format, file);
    if (colorModel == null) {
      return fromCmyk(raster, file);
    }
    return toRgb(raster, colorModel, file);
  }

  /** libjpeg reports a truncated stream only as a warning and fills the rest with grey: refuse it. */
  private static void checkWarnings(List<String> warnings, String format, Path file) {
    for (String w : warnings) {
      String lw = w.toLowerCase(Locale.ROOT);
      if (lw.contains("premature end") || lw.contains("truncat")) {
        throw new SscamException(
            "Corrupt or truncated " + format.toUpperCase(Locale.ROOT) + " image " + file + ": "
                + oneLine(w));
      }
    }
  }

  /**
   * Reads only the header's size and refuses zero-sized images and those over {@code maxPixels},
   * before the decoder allocates the raster.
   */
  private static void refuseBombs(
      javax.imageio.ImageReader reader, Path file, String format, long maxPixels)
      throws IOException {
    long w = reader.getWidth(0);
    long h = reader.getHeight(0);
    if (w <= 0 || h <= 0) {
      throw new SscamException(format.toUpperCase(Locale.ROOT) + " image " + file
          + " declares an empty size (" + w + "x" + h + ")");
    }
    if (w * h > maxPixels) {
      throw new ImageTooLargeException(format.toUpperCase(Locale.ROOT) + " image " + file + " declares "
          + w + "x" + h + " pixels, over the limit of " + maxPixels
          + " (a decompression bomb or a corrupt header)");
    }
  }

  private static String formatName(javax.imageio.ImageReader reader) {
    try {
      String name = reader.getFormatName();
      return name == null ? "image" : name.toLowerCase(Locale.ROOT);
    } catch (IOException e) {
      return "image";
    }
  }

  /**
   * libjpeg's CMYK output to RGB as PIL does it: PIL unpacks every 4-component JPEG with {@code
   * CMYK;I} (Adobe's inverted convention, whatever the markers say), so {@code C = 255 − c}, and
   * then {@code cmyk2rgb}: {@code nk = 255 − K}, {@code R = nk − MULDIV255(C, nk)} (same for G
   * from M, B from Y).
   */
  private static BufferedImage fromCmyk(Raster raster, Path file) {
    if (raster.getNumBands() != 4) {
      throw new SscamException("Unsupported JPEG colour layout (" + raster.getNumBands()
          + " components): " + file);
    }
    int w = raster.getWidth();
    int h = raster.getHeight();
    int x0 = raster.getMinX();
    int y0 = raster.getMinY();
    int[] out = new int[w * h];
    int[] px = new int[4];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        raster.getPixel(x0 + x, y0 + y, px);
        for (int c = 0; c < 4; c++) {
          px[c] = 255 - px[c]; // PIL's CMYK;I unpacker
        }
        int nk = 255 - px[3];
        int r = clip(nk - mulDiv255(px[0], nk));
        int g = clip(nk - mulDiv255(px[1], nk));
        int b = clip(nk - mulDiv255(px[2], nk));
        out[y * w + x] = (r << 16) | (g << 8) | b;
      }
    }
    return packed(out, w, h);
  }

  /** PIL's {@code MULDIV255(a, b)}: {@code round(a·b/255)} in integer arithmetic. */
  static int mulDiv255(int a, int b) {
    int tmp = a * b + 128;
    return ((tmp >> 8) + tmp) >> 8;
  }

  private static BufferedImage toRgb(Raster raster, ColorModel cm, Path file) {
    int w = raster.getWidth();
    int h = raster.getHeight();
    int x0 = raster.getMinX();
    int y0 = raster.getMinY();
    int bands = raster.getNumBands();
    int[] out = new int[w * h];
    int[] px = new int[bands];
    if (cm instanceof IndexColorModel icm) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int idx = raster.getSample(x0 + x, y0 + y, 0);
          out[y * w + x] = (icm.getRed(idx) << 16) | (icm.getGreen(idx) << 8) | icm.getBlue(idx);
        }
      }
      return packed(out, w, h);
    }
    int colorBands = cm.getNumColorComponents();
    int csType = cm.getColorSpace().getType();
    if (colorBands == 1) {
      int bits = raster.getSampleModel().getSampleSize(0);
      boolean gray16NoAlpha = bits == 16 && !cm.hasAlpha();
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int v = raster.getSample(x0 + x, y0 + y, 0);
          // PIL: 16-bit gray is mode I;16 and convert('RGB') clips; 16-bit gray+alpha keeps the
          // high byte (LA;16B unpacker).
          int g = gray16NoAlpha ? Math.min(v, 255) : scale(v, bits);
          out[y * w + x] = (g << 16) | (g << 8) | g;
        }
      }
      return packed(out, w, h);
    }
    if (colorBands == 3 && csType == ColorSpace.TYPE_RGB) {
      int[] bits = new int[3];
      for (int c = 0; c < 3; c++) {
        bits[c] = raster.getSampleModel().getSampleSize(c);
      }
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          raster.getPixel(x0 + x, y0 + y, px);
          int r = scale(px[0], bits[0]);
          int g = scale(px[1], bits[1]);
          int b = scale(px[2], bits[2]);
          out[y * w + x] = (r << 16) | (g << 8) | b;
        }
      }
      return packed(out, w, h);
    }
    throw new SscamException("Unsupported colour layout (" + colorBands + " colour components, "
        + "colour space type " + csType + "): " + file);
  }

  /**
   * A {@code bits}-bit sample as 8 bits the way PIL's unpackers do it: 16-bit keeps the high
   * byte; fewer than 8 bits stretch to 0..255 ({@code v·255/(2^bits−1)}, exact for 1, 2, 4 bits;
   * PIL's 5/6-bit BMP unpackers also divide with truncation).
   */
  private static int scale(int v, int bits) {
    if (bits == 8) {
      return v;
    }
    if (bits == 16) {
      return v >>> 8;
    }
    if (bits < 8) {
      return v * 255 / ((1 << bits) - 1);
    }
    return v >>> (bits - 8);
  }

  private static int clip(int v) {
    return v < 0 ? 0 : Math.min(v, 255);
  }

  private static BufferedImage packed(int[] rgb, int w, int h) {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    image.setRGB(0, 0, w, h, rgb, 0, w);
    return image;
  }

  private static String oneLine(String s) {
    return s.replaceAll("\\s+", " ").trim();
  }
}
