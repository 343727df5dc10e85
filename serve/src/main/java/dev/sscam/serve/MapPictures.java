package dev.sscam.serve;

import dev.sscam.cam.SaliencyMap;
import dev.sscam.io.Npy;
import dev.sscam.render.Colormap;
import dev.sscam.render.MapTitle;
import dev.sscam.render.Overlay;
import dev.sscam.render.PngWriter;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/** A map in the forms the server hands out: PNG overlay, jet heatmap, NPY and base64 float32. */
final class MapPictures {
  private MapPictures() {}

  /** The image with E overlaid and titled, as {@code sscam explain} writes {@code STEM.METHOD.png}. */
  static byte[] overlayPng(BufferedImage picture, SaliencyMap s, String methodTitle) {
    return PngWriter.bytes(Overlay.render(picture, s.explanation(), s.width(), s.height(), MapTitle.of(s, methodTitle)));
  }

  /** E alone in the jet colormap, at input resolution (the explorer lays it over the image). */
  static byte[] heatmapPng(SaliencyMap s) {
    BufferedImage img = new BufferedImage(s.width(), s.height(), BufferedImage.TYPE_INT_RGB);
    float[] e = s.explanation();
    for (int y = 0; y < s.height(); y++) {
      for (int x = 0; x < s.width(); x++) {
        float v = e[y * s.width() + x];
        img.setRGB(x, y, Colormap.jet(Float.isNaN(v) ? 0 : v));
      }
    }
    return PngWriter.bytes(img);
  }

  /** E as {@code sscam explain --npy} writes {@code STEM.METHOD.npy}: float32, H×W. */
  static byte[] explanationNpy(SaliencyMap s) {
    return Npy.encode(new int[] {s.height(), s.width()}, s.explanation());
  }

  /** The feature-resolution map as {@code STEM.METHOD.cam.npy}: float32, h×w. */
  static byte[] camNpy(SaliencyMap s) {
    return Npy.encode(new int[] {s.h(), s.w()}, s.cam());
  }

  /** {@code values} as base64 of their little-endian float32 bytes. */
  static String base64(float[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return Base64.getEncoder().encodeToString(b.array());
  }
}
