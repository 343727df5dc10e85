package dev.sscam.image;

import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a JPEG's header says about its colour layout: the number of components (SOF) and the Adobe
 * APP14 colour transform (0 = none/CMYK, 1 = YCbCr, 2 = YCCK; -1 when there is no Adobe marker).
 * Needed because libjpeg (and so PIL) decides from these how to decode 4-component files.
 *
 * @param components number of components in the first SOF segment
 * @param adobeTransform the Adobe APP14 transform flag, or -1 without an Adobe marker
 */
record JpegLayout(int components, int adobeTransform) {

  /** Parses the marker segments up to the first SOS; null if the file is not a parsable JPEG. */
  static JpegLayout of(Path file) {
    try (InputStream raw = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw))) {
      if (in.readUnsignedShort() != 0xFFD8) {
        return null;
      }
      int components = -1;
      int transform = -1;
      while (true) {
        int b = in.readUnsignedByte();
        if (b != 0xFF) {
          continue; // not at a marker: skip junk as libjpeg does (with a warning)
        }
        int marker = in.readUnsignedByte();
        while (marker == 0xFF) {
          marker = in.readUnsignedByte(); // fill bytes
        }
        if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
          continue; // no length field
        }
        if (marker == 0xDA || marker == 0xD9) {
          break; // start of scan or end of image: the header is over
        }
        int length = in.readUnsignedShort() - 2;
        if (length < 0) {
          return null;
        }
        byte[] payload = new byte[length];
        in.readFully(payload);
        boolean sof = marker >= 0xC0 && marker <= 0xCF
            && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (sof && components < 0 && length >= 6) {
          components = payload[5] & 0xFF;
        } else if (marker == 0xEE && length >= 12
            && new String(payload, 0, 5, java.nio.charset.StandardCharsets.ISO_8859_1)
                .equals("Adobe")) {
          transform = payload[11] & 0xFF;
        }
      }
      return components < 0 ? null : new JpegLayout(components, transform);
    } catch (EOFException e) {
      return null;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * The samples libjpeg hands PIL for a 4-component image ({@code out_color_space = JCS_CMYK}):
   * the stored CMYK as is, or for Adobe transform 2 the YCCK converted by libjpeg's {@code
   * ycck_cmyk_convert} ({@code C = 255 − clamp(Y + 1.402(Cr−128))}, {@code M = 255 − clamp(Y −
   * 0.34414(Cb−128) − 0.71414(Cr−128))}, {@code Y = 255 − clamp(Y + 1.772(Cb−128))}, K unchanged,
   * in libjpeg's 16-bit fixed point). {@code raw} is the reader's unconverted raster.
   */
  Raster toLibjpegCmyk(Raster raw) {
    if (adobeTransform != 2) {
      return raw;
    }
    WritableRaster out = raw.createCompatibleWritableRaster();
    int[] px = new int[4];
    for (int y = 0; y < raw.getHeight(); y++) {
      for (int x = 0; x < raw.getWidth(); x++) {
        raw.getPixel(raw.getMinX() + x, raw.getMinY() + y, px);
        int yy = px[0];
        int cb = px[1] - 128;
        int cr = px[2] - 128;
        int r = yy + ((fix(1.40200) * cr + ONE_HALF) >> SCALEBITS);
        int g = yy + ((-fix(0.34414) * cb + ONE_HALF - fix(0.71414) * cr) >> SCALEBITS);
        int b = yy + ((fix(1.77200) * cb + ONE_HALF) >> SCALEBITS);
        out.setPixel(x, y, new int[] {255 - clamp(r), 255 - clamp(g), 255 - clamp(b), px[3]});
      }
    }
    return out;
  }

  private static final int SCALEBITS = 16;
  private static final int ONE_HALF = 1 << (SCALEBITS - 1);

  private static int fix(double v) {
    return (int) (v * (1L << SCALEBITS) + 0.5);
  }

  private static int clamp(int v) {
    return v < 0 ? 0 : Math.min(v, 255);
  }
}
