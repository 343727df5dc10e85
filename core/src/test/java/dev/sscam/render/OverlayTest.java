package dev.sscam.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OverlayTest {
  @TempDir Path dir;

  private static BufferedImage grayPicture(int w, int h, int v) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, (v << 16) | (v << 8) | v);
      }
    }
    return img;
  }

  /** 1 in the top-left quarter, 0 elsewhere. */
  private static float[] cornerMap(int w, int h) {
    float[] m = new float[w * h];
    for (int y = 0; y < h / 2; y++) {
      for (int x = 0; x < w / 2; x++) {
        m[y * w + x] = 1f;
      }
    }
    return m;
  }

  private static int darkPixels(BufferedImage img, int x0, int y0, int x1, int y1) {
    int n = 0;
    for (int y = y0; y < y1; y++) {
      for (int x = x0; x < x1; x++) {
        int p = img.getRGB(x, y);
        int sum = ((p >> 16) & 0xFF) + ((p >> 8) & 0xFF) + (p & 0xFF);
        if (sum < 300) {
          n++;
        }
      }
    }
    return n;
  }

  @Test
  void blendIsHalfPictureHalfJet() {
    BufferedImage out = Overlay.blend(grayPicture(8, 8, 100), cornerMap(8, 8), 8, 8, 0.5);
    // peak: jet(1) = (127, 0, 0) -> (113.5 -> 114, 50, 50); zero: jet(0) = (0, 0, 127) ->
    // (50, 50, 113.5 -> 114)
    assertThat(out.getRGB(1, 1) & 0xFFFFFF).isEqualTo((114 << 16) | (50 << 8) | 50);
    assertThat(out.getRGB(6, 6) & 0xFFFFFF).isEqualTo((50 << 16) | (50 << 8) | 114);
  }

  @Test
  void renderHasTitleLegendAndRedPeak() throws Exception {
    BufferedImage picture = grayPicture(224, 224, 128);
    BufferedImage out =
        Overlay.render(picture, cornerMap(14, 14), 14, 14, "Sandal 0.87 — SS-CAM (2)");
    // 224 is enlarged x2 to reach 320 px; title strip 30 px; legend 70 px
    assertThat(out.getWidth()).isEqualTo(448 + 70);
    assertThat(out.getHeight()).isEqualTo(448 + 30);
    assertThat(darkPixels(out, 0, 0, out.getWidth(), 30)).as("title text pixels").isGreaterThan(50);
    BufferedImage untitled = Overlay.render(picture, cornerMap(14, 14), 14, 14, "");
    assertThat(darkPixels(untitled, 0, 0, untitled.getWidth(), 30)).isZero();
    // peak quarter red-ish, opposite corner blue-ish
    int peak = out.getRGB(60, 30 + 60);
    assertThat((peak >> 16) & 0xFF).isGreaterThan((peak & 0xFF) + 40);
    int cold = out.getRGB(400, 30 + 400);
    assertThat(cold & 0xFF).isGreaterThan(((cold >> 16) & 0xFF) + 40);
    // legend bar: red at its top, blue at its bottom
    int top = out.getRGB(448 + 8 + 8, 30 + 8 + 2);
    int bottom = out.getRGB(448 + 8 + 8, 478 - 8 - 3);
    assertThat((top >> 16) & 0xFF).isGreaterThan(top & 0xFF);
    assertThat(bottom & 0xFF).isGreaterThan((bottom >> 16) & 0xFF);

    Path png = dir.resolve("sub/overlay.png");
    PngWriter.write(out, png);
    BufferedImage back = ImageIO.read(png.toFile());
    assertThat(back.getWidth()).isEqualTo(out.getWidth());
    assertThat(back.getRGB(60, 90)).isEqualTo(out.getRGB(60, 90));
    try (var files = Files.list(png.getParent())) {
      assertThat(files.count()).as("no temp file left").isEqualTo(1);
    }
  }

  @Test
  void gridHasHeadersLabelsAndCells() {
    BufferedImage a = grayPicture(50, 50, 200);
    BufferedImage b = Overlay.blend(grayPicture(50, 50, 100), cornerMap(50, 50), 50, 50, 0.5);
    BufferedImage grid = FigureGrid.render(List.of("Input", "Grad-CAM", "SS-CAM (2)"),
        List.of(new FigureGrid.Row("img_001\nsandal", List.of(a, b, b)),
            new FigureGrid.Row("img_002\nboot", List.of(a, b, b))), 100);
    // label column 130, 3 cells of 100 with 4 px gaps; header 28
    assertThat(grid.getWidth()).isEqualTo(130 + 3 * 104 + 4);
    assertThat(grid.getHeight()).isEqualTo(28 + 2 * 104 + 4);
    assertThat(darkPixels(grid, 130, 0, grid.getWidth(), 28)).as("header text").isGreaterThan(50);
    assertThat(darkPixels(grid, 0, 28, 130, 132)).as("row label").isGreaterThan(30);
    // first cell of row 2 is the light input picture; its third cell carries the red peak
    assertThat(grid.getRGB(134 + 50, 28 + 104 + 50) & 0xFF).isEqualTo(200);
    int peak = grid.getRGB(134 + 2 * 104 + 20, 28 + 20);
    assertThat((peak >> 16) & 0xFF).isGreaterThan((peak & 0xFF) + 40);
  }
}
