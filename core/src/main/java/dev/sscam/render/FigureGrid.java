package dev.sscam.render;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A labelled comparison figure like the SS-CAM paper's Figure 3: one row per image (its label on
 * the left, e.g. image name and class), one column per picture (the input, then one per method),
 * column headers on top. Every cell is drawn at {@code cellSize × cellSize}.
 */
public final class FigureGrid {
  private static final int HEADER_H = 28;
  private static final int LABEL_W = 130;
  private static final int GAP = 4;

  private FigureGrid() {}

  /**
   * One row of the figure.
   *
   * @param label the row's label; a newline splits it into lines (e.g. "n01440764_1\ntench")
   * @param cells the pictures, one per column
   */
  public record Row(String label, List<BufferedImage> cells) {
    /** Copies the list. */
    public Row {
      cells = List.copyOf(cells);
    }
  }

  /**
   * Draws the grid.
   *
   * @param columnHeaders one header per column (e.g. "Input", "Grad-CAM", "SS-CAM (2)")
   * @param rows the rows; each must have as many cells as there are headers
   * @param cellSize edge of each square cell in pixels
   */
  public static BufferedImage render(List<String> columnHeaders, List<Row> rows, int cellSize) {
    if (cellSize <= 0) {
      throw new IllegalArgumentException("cell size must be positive: " + cellSize);
    }
    int cols = columnHeaders.size();
    for (Row r : rows) {
      if (r.cells().size() != cols) {
        throw new IllegalArgumentException("row '" + r.label() + "' has " + r.cells().size()
            + " cells for " + cols + " column headers");
      }
    }
    int width = LABEL_W + cols * (cellSize + GAP) + GAP;
    int height = HEADER_H + rows.size() * (cellSize + GAP) + GAP;
    BufferedImage canvas = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
          RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION,
          RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
      for (int c = 0; c < cols; c++) {
        int x = LABEL_W + GAP + c * (cellSize + GAP);
        Overlay.drawFitted(g, columnHeaders.get(c), x, 0, cellSize, HEADER_H);
      }
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
      for (int r = 0; r < rows.size(); r++) {
        int y = HEADER_H + r * (cellSize + GAP);
        String[] lines = rows.get(r).label() == null ? new String[0]
            : rows.get(r).label().split("\n");
        int lineH = 18;
        int top = y + (cellSize - lines.length * lineH) / 2;
        for (int i = 0; i < lines.length; i++) {
          Overlay.drawFitted(g, lines[i], GAP, top + i * lineH, LABEL_W - 2 * GAP, lineH);
        }
        for (int c = 0; c < cols; c++) {
          int x = LABEL_W + GAP + c * (cellSize + GAP);
          g.drawImage(rows.get(r).cells().get(c), x, y, cellSize, cellSize, null);
        }
      }
    } finally {
      g.dispose();
    }
    return canvas;
  }
}
