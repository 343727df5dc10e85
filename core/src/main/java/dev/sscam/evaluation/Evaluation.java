package dev.sscam.evaluation;

import dev.sscam.SscamException;
import dev.sscam.cam.CamMethod;
import dev.sscam.cam.CamOptions;
import dev.sscam.cam.FastMode;
import dev.sscam.cam.Preset;
import dev.sscam.cam.Reading;
import dev.sscam.data.Dataset;
import dev.sscam.data.DatasetItem;
import dev.sscam.data.IlsvrcValidation;
import dev.sscam.data.ImageFolder;
import dev.sscam.metrics.DeletionInsertion;
import dev.sscam.metrics.GaussianBlur;
import dev.sscam.model.OnnxClassifier;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * One evaluation run end to end: open the data, draw the seeded subset, check or write the
 * configuration, evaluate the missing image × method pairs into the log.
 */
public final class Evaluation {

  /**
   * What to run.
   *
   * @param data the dataset folder
   * @param methods the methods, in table order
   * @param images how many images (a seeded random subset; all when larger than the set)
   * @param seed subset and noise seed
   * @param samples SS-CAM N
   * @param sigma SS-CAM σ
   * @param step deletion/insertion pixels per step
   * @param out the output folder (config.json, results.jsonl)
   * @param preset CAM options preset
   * @param reading the reading options in force: the preset's, with any overrides
   * @param fast fast mode of the score-based methods, or null for exact maps
   */
  public record Settings(Path data, List<CamMethod> methods, int images, long seed, int samples, double sigma,
      int step, Path out, Preset preset, Reading reading, FastMode fast) {

    /** Settings of exact maps. */
    public Settings(Path data, List<CamMethod> methods, int images, long seed, int samples, double sigma, int step,
        Path out, Preset preset, Reading reading) {
      this(data, methods, images, seed, samples, sigma, step, out, preset, reading, null);
    }

    /** Settings under {@code preset}'s reading, named as on the command line ({@code authors}...). */
    public Settings(Path data, List<CamMethod> methods, int images, long seed, int samples, double sigma, int step,
        Path out, String preset) {
      this(data, methods, images, seed, samples, sigma, step, out, Preset.parse(preset), Preset.parse(preset).reading());
    }

    /** The CAM options of these settings at {@code batchSize}. */
    public CamOptions camOptions(int batchSize) {
      return CamOptions.builder().preset(preset).reading(reading).samples(samples).sigma(sigma).seed(seed)
          .batchSize(batchSize).fast(fast).build();
    }
  }

  private Evaluation() {}

  /**
   * Opens {@code dir} as ILSVRC validation data when it has that layout (annotations or ground
   * truth), else as a plain image folder; {@code note} is told once when localisation metrics
   * will be skipped.
   */
  public static Dataset openDataset(Path dir, Consumer<String> note) {
    IlsvrcValidation ilsvrc;
    try {
      ilsvrc = IlsvrcValidation.open(dir);
    } catch (SscamException e) {
      ImageFolder folder;
      try {
        folder = ImageFolder.open(dir);
      } catch (SscamException e2) {
        throw e;
      }
      note.accept(dir + " is not in ILSVRC layout (" + e.getMessage() + "); using it as an image folder:"
          + " energy pointing game and box share are skipped");
      return folder;
    }
    if (ilsvrc.annotationsDir().isEmpty()) {
      note.accept(dir + " has no annotations: energy pointing game and box share are skipped");
    }
    return ilsvrc;
  }

  /**
   * Runs (or resumes) the evaluation.
   *
   * @return the number of pairs computed in this call
   */
  public static int run(OnnxClassifier model, Settings s, Consumer<String> note, EvaluationRun.Listener listener) {
    Dataset dataset = openDataset(s.data(), note);
    List<DatasetItem> items = dataset.randomSubset(s.images(), s.seed());
    EvaluationConfig config = new EvaluationConfig(model.file().sha256(),
        s.methods().stream().map(CamMethod::id).toList(), s.images(), s.seed(), s.samples(), s.sigma(), s.step(),
        s.data().toAbsolutePath().normalize().toString(), EvaluationConfig.hashOf(items.stream().map(DatasetItem::id).toList()), s.preset().id(),
        s.reading().asMap(), s.fast() == null ? null : s.fast().tolerance());
    CamOptions options = s.camOptions(model.batchSize());
    ImageEvaluation evaluation = new ImageEvaluation(model, options,
        new DeletionInsertion(s.step(), model.batchSize(), new GaussianBlur()))
        .recordFigure(new EvaluationFigure(s.out(), items.stream().limit(EvaluationFigure.DEFAULT_IMAGES)
            .map(DatasetItem::id).toList()));
    try (ResultsLog log = ResultsLog.open(s.out(), config)) {
      return EvaluationRun.run(evaluation, items, s.methods(),
          item -> model.card().preprocessing().apply(item.image()), log, listener);
    }
  }
}
