package dev.sscam.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * Draws a saliency map over the picture it explains. The map {@code E} (values in [0, 1], row-major
 * {@code mapWidth × mapHeight}) is resampled bilinearly (pixel centres aligned) to the picture's
 * size and blended per pixel:
 *
 * <pre>
 *   out = (1 − α) · picture + α · jet(E)
 * </pre>
 *
 * {@link #render} adds a title strip above and a 0..1 colour-bar legend to the right.
 */
public final class Overlay {
  /** Blend weight of the heat map used by {@link #render}. */
  public static final double DEFAULT_ALPHA = 0.5;

  private static final int MIN_DISPLAY = 320;

  private Overlay() {}

  /**
   * The blended picture at {@code picture}'s size, without decorations.
   *
   * @param picture the image the map explains (the resized model input, or the original)
   * @param map saliency values in [0, 1], row-major; values outside are clamped
   * @param mapWidth columns of {@code map}
   * @param mapHeight rows of {@code map}
   * @param alpha weight of the heat map, in [0, 1]
   */
  public static BufferedImage blend(BufferedImage picture, float[] map, int mapWidth,
      int mapHeight, double alpha) {
    if (map.length != mapWidth * mapHeight || mapWidth <= 0 || mapHeight <= 0) {
      throw new IllegalArgumentException("map has " + map.length + " values, not "
          + mapWidth + "x" + mapHeight);
    }
    if (!(alpha >= 0 && alpha <= 1)) {
      throw new IllegalArgumentException("alpha must be in [0, 1]: " + alpha);
    }
    int w = picture.getWidth();
    int h = picture.getHeight();
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    // Whole rows in and out, and each column's sampling position computed once, not per pixel.
    int[] row = new int[w];
    int[] blended = new int[w];
    int[] left = new int[w];
    int[] right = new int[w];
    double[] tx = new double[w];
    for (int x = 0; x < w; x++) {
      double fx = Math.max(0, Math.min(mapWidth - 1, (x + 0.5) * mapWidth / w - 0.5));
      left[x] = (int) fx;
      right[x] = Math.min(left[x] + 1, mapWidth - 1);
      tx[x] = fx - left[x];
    }
    for (int y = 0; y < h; y++) {
      picture.getRGB(0, y, w, 1, row, 0, w);
      double fy = Math.max(0, Math.min(mapHeight - 1, (y + 0.5) * mapHeight / h - 0.5));
      int top = (int) fy;
      int bottom = Math.min(top + 1, mapHeight - 1);
      double ty = fy - top;
      for (int x = 0; x < w; x++) {
        double upper = (1 - tx[x]) * value(map, top * mapWidth + left[x])
            + tx[x] * value(map, top * mapWidth + right[x]);
        double lower = (1 - tx[x]) * value(map, bottom * mapWidth + left[x])
            + tx[x] * value(map, bottom * mapWidth + right[x]);
        double e = (1 - ty) * upper + ty * lower;
        int heat = Colormap.jet(Math.max(0, Math.min(1, e)));
        int p = row[x];
        int rgb = 0;
        for (int s = 16; s >= 0; s -= 8) {
          double v = (1 - alpha) * ((p >> s) & 0xFF) + alpha * ((heat >> s) & 0xFF);
          rgb |= ((int) Math.round(v)) << s;
        }
        blended[x] = rgb;
      }
      out.setRGB(0, y, w, 1, blended, 0, w);
    }
    return out;
  }

  /** A map value, NaN counted as 0. */
  private static double value(float[] map, int i) {
    float v = map[i];
    return Float.isNaN(v) ? 0 : v;
  }

  /**
   * The blended picture (α = {@value #DEFAULT_ALPHA}) enlarged to at least {@value #MIN_DISPLAY}
   * px wide when small, with {@code title} in a strip above (e.g. "Sandal 0.87 — SS-CAM (2)") and
   * a jet colour bar labelled 0, 0.5, 1 on the right.
   */
  public static BufferedImage render(BufferedImage picture, float[] map, int mapWidth,
      int mapHeight, String title) {
    BufferedImage blended = blend(picture, map, mapWidth, mapHeight, DEFAULT_ALPHA);
    int scale = Math.max(1, (int) Math.ceil(MIN_DISPLAY / (double) blended.getWidth()));
    int imgW = blended.getWidth() * scale;
    int imgH = blended.getHeight() * scale;
    Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 15);
    int titleH = 30;
    int legendW = 70;
    int pad = 8;
    BufferedImage canvas =
        new BufferedImage(imgW + legendW, imgH + titleH, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
          RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION,
          RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, canvas.getWidth(), canvas.getHeight());
      g.drawImage(blended, 0, titleH, imgW, imgH, null);

      g.setFont(font);
      g.setColor(Color.BLACK);
      drawFitted(g, title == null ? "" : title, pad, 0, canvas.getWidth() - 2 * pad, titleH);

      drawLegend(g, imgW + pad, titleH + pad, 16, imgH - 2 * pad);
    } finally {
      g.dispose();
    }
    return canvas;
  }

  /** A vertical jet bar (1 at the top) with tick labels 0, 0.5, 1 to its right. */
  static void drawLegend(Graphics2D g, int x, int y, int barW, int barH) {
    for (int i = 0; i < barH; i++) {
      double v = 1.0 - i / (double) Math.max(1, barH - 1);
      g.setColor(new Color(Colormap.jet(v)));
      g.fillRect(x, y + i, barW, 1);
    }
    g.setColor(Color.BLACK);
    g.setStroke(new BasicStroke(1));
    g.drawRect(x, y, barW - 1, barH - 1);
    Font old = g.getFont();
    g.setFont(old.deriveFont(12f));
    FontMetrics fm = g.getFontMetrics();
    String[] labels = {"1", "0.5", "0"};
    for (int k = 0; k < 3; k++) {
      int ty = y + (int) Math.round(k * (barH - 1) / 2.0);
      g.drawLine(x + barW, ty, x + barW + 3, ty);
      int baseline = ty + fm.getAscent() / 2 - 1;
      baseline = Math.max(y + fm.getAscent(), Math.min(y + barH, baseline));
      g.drawString(labels[k], x + barW + 5, baseline);
    }
    g.setFont(old);
  }

  /** Draws {@code text} vertically centred in the box, shrinking the font until it fits. */
  static void drawFitted(Graphics2D g, String text, int x, int y, int width, int height) {
    Font font = g.getFont();
    FontMetrics fm = g.getFontMetrics(font);
    while (fm.stringWidth(text) > width && font.getSize2D() > 7) {
      font = font.deriveFont(font.getSize2D() - 1);
      fm = g.getFontMetrics(font);
    }
    String shown = text;
    while (fm.stringWidth(shown) > width && shown.length() > 1) {
      shown = shown.substring(0, shown.length() - 2) + "…";
    }
    Font old = g.getFont();
    g.setFont(font);
    g.drawString(shown, x, y + (height - fm.getHeight()) / 2 + fm.getAscent());
    g.setFont(old);
  }
}
