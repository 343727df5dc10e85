package dev.sscam.cli;

import dev.sscam.SscamException;
import dev.sscam.cam.CamMethod;
import dev.sscam.cam.CamOptions;
import dev.sscam.cam.Explainer;
import dev.sscam.cam.Methods;
import dev.sscam.cam.Preset;
import dev.sscam.cam.SaliencyMap;
import dev.sscam.model.NonFiniteOutputException;
import dev.sscam.model.OnnxClassifier;
import dev.sscam.render.FigureGrid;
import dev.sscam.render.PngWriter;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sscam compare}: one grid like the SS-CAM paper's Figure 3; with {@code --presets}, each
 * method under several readings side by side.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
    description = {"One PNG grid like the paper's Figure 3: a row per image, the input then one column per method.",
        "With --presets, one column per method and preset (e.g. --methods ss-cam-1 --presets authors,equations,torchcam):",
        "the quickest way to see why the readings of the paper matter."})
final class CompareCommand implements Callable<Integer> {
  @Mixin ModelOptions model;
  @Mixin CamOptionsMixin cam;

  @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "Images, one row each.")
  List<Path> images;

  @Option(names = "--methods", split = ",", defaultValue = "paper",
      description = "Methods, one column each (default: ${DEFAULT-VALUE} = the paper's six; all = every method but cam).")
  List<String> methods;

  @Option(names = "--presets", split = ",", paramLabel = "PRESET",
      description = "Show each method under each of these presets (authors, equations, torchcam), in this order;"
          + " other reading options given still override each preset.")
  List<String> presets;

  @Option(names = {"-o", "--out"}, paramLabel = "FILE.png", defaultValue = "sscam-out/compare.png",
      description = "Output PNG (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--cell", defaultValue = "224", description = "Cell size in pixels (default: ${DEFAULT-VALUE}).")
  int cell;

  @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
  boolean quiet;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (cell < 16) {
      throw new SscamException("--cell must be at least 16 pixels");
    }
    PrintWriter stdout = spec.commandLine().getOut();
    List<Column> columns = columns(Methods.parse(methods));
    try (OnnxClassifier m = model.open()) {
      ImageInputs inputs = ImageInputs.load(images, m.card());
      Explainer explainer = new Explainer(m);
      List<String> headers = new ArrayList<>();
      headers.add("Input");
      columns.forEach(c -> headers.add(c.header()));
      List<FigureGrid.Row> rows = new ArrayList<>();
      for (int i = 0; i < images.size(); i++) {
        BufferedImage picture = inputs.picture(i, m.card());
        float[] x = inputs.tensor(i, m.imageSize());
        List<BufferedImage> cells = new ArrayList<>();
        cells.add(picture);
        String label = inputs.names().get(i);
        for (Column column : columns) {
          String bar = inputs.names().get(i) + " " + column.method().id() + column.suffix();
          SaliencyMap s = NonFiniteOutputException.naming(images.get(i).toString(),
              () -> ProgressBar.explain(explainer, x, column.method(), column.options(), bar, quiet));
          label = inputs.names().get(i) + "\n" + s.label() + String.format(" p=%.2f", s.probability());
          cells.add(Pictures.cell(picture, s));
        }
        rows.add(new FigureGrid.Row(label, cells));
      }
      if (out.toAbsolutePath().getParent() != null) {
        Files.createDirectories(out.toAbsolutePath().getParent());
      }
      PngWriter.write(FigureGrid.render(headers, rows, cell), out);
      stdout.println(out);
    }
    stdout.flush();
    return 0;
  }

  /** One column of the grid: a method under one set of options. */
  private record Column(CamMethod method, CamOptions options, String header, String suffix) {}

  /** A column per method, or per method × preset with {@code --presets}. */
  private List<Column> columns(List<CamMethod> chosen) {
    List<Column> out = new ArrayList<>();
    for (CamMethod method : chosen) {
      if (presets == null || presets.isEmpty()) {
        CamOptions o = cam.build(model.batchSize);
        out.add(new Column(method, o, Pictures.methodTitle(method, o), ""));
        continue;
      }
      for (String p : presets) {
        CamOptions o = cam.build(model.batchSize, Preset.parse(p));
        out.add(new Column(method, o, Pictures.methodTitle(method, o), " " + o.preset().id()));
      }
    }
    return out;
  }
}
