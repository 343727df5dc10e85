package dev.sscam.evaluation;

import dev.sscam.SscamException;
import dev.sscam.data.DatasetItem;
import dev.sscam.image.ImageReader;
import dev.sscam.image.Preprocessing;
import dev.sscam.io.Npy;
import dev.sscam.render.FigureGrid;
import dev.sscam.render.Overlay;
import dev.sscam.render.PngWriter;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * The paper's Figure 3 for an evaluation: the explanation maps of its first few images, kept as
 * files ({@code OUT/figure/ID.input.png}, {@code OUT/figure/ID.METHOD.npy}) while the evaluation
 * computes them, so that the report can draw the grid without the model.
 */
public final class EvaluationFigure {
  /** The folder inside the evaluation's output folder. */
  public static final String DIR = "figure";
  /** Images shown by default. */
  public static final int DEFAULT_IMAGES = 4;

  private final Path dir;
  private final Set<String> ids;

  /** Records the maps of {@code ids} under {@code outDir/figure}. */
  public EvaluationFigure(Path outDir, Collection<String> ids) {
    this.dir = outDir.resolve(DIR);
    this.ids = Set.copyOf(ids);
  }

  /** Keeps {@code e} (H×W) of {@code item} under {@code method}, if the item is one of the figure's. */
  public void record(DatasetItem item, Preprocessing pre, String method, float[] e) {
    if (!ids.contains(item.id())) {
      return;
    }
    Path input = dir.resolve(item.id() + ".input.png");
    if (!Files.exists(input)) {
      PngWriter.write(pre.resize(ImageReader.read(item.image())), input);
    }
    Npy.write(dir.resolve(item.id() + "." + method + ".npy"), new int[] {pre.height(), pre.width()}, e);
  }

  /**
   * The grid (a row per recorded image: its input, then one column per method, a grey cell where
   * a map is missing), or empty when nothing was recorded.
   */
  public static Optional<BufferedImage> grid(Path outDir, List<String> methods, int cellSize) {
    Path dir = outDir.resolve(DIR);
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    TreeSet<String> stems = new TreeSet<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".input.png"))
          .forEach(n -> stems.add(n.substring(0, n.length() - ".input.png".length())));
    } catch (IOException e) {
      return Optional.empty();
    }
    if (stems.isEmpty()) {
      return Optional.empty();
    }
    List<String> headers = new ArrayList<>();
    headers.add("Input");
    headers.addAll(methods);
    List<FigureGrid.Row> rows = new ArrayList<>();
    for (String id : stems) {
      BufferedImage picture;
      try {
        picture = ImageIO.read(dir.resolve(id + ".input.png").toFile());
      } catch (IOException e) {
        continue;
      }
      List<BufferedImage> cells = new ArrayList<>();
      cells.add(picture);
      for (String m : methods) {
        Path map = dir.resolve(id + "." + m + ".npy");
        if (Files.exists(map)) {
          Npy.Array a = Npy.read(map);
          if (a.shape().length != 2) {
            throw new SscamException("saliency map " + map + " has shape " + java.util.Arrays.toString(a.shape())
                + "; a map is 2-D (height, width)");
          }
          cells.add(Overlay.blend(picture, a.data(), a.shape()[1], a.shape()[0], Overlay.DEFAULT_ALPHA));
        } else {
          cells.add(blank(picture.getWidth(), picture.getHeight()));
        }
      }
      rows.add(new FigureGrid.Row(id, cells));
    }
    return rows.isEmpty() ? Optional.empty() : Optional.of(FigureGrid.render(headers, rows, cellSize));
  }

  private static BufferedImage blank(int w, int h) {
    BufferedImage b = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = b.createGraphics();
    g.setColor(Color.LIGHT_GRAY);
    g.fillRect(0, 0, w, h);
    g.dispose();
    return b;
  }
}
