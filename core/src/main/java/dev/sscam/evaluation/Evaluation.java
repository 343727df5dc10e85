package dev.sscam.evaluation;

import dev.sscam.SscamException;
import dev.sscam.cam.CamMethod;
import dev.sscam.cam.CamOptions;
import dev.sscam.cam.FastMode;
import dev.sscam.cam.Preset;
import dev.sscam.cam.Reading;
import dev.sscam.data.Dataset;
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
   * The configuration a run of {@code s} records and a rerun must agree with.
   *
   * @param modelSha256 the model file's SHA-256
   * @param dataset how the dataset is named in {@code config.json} (its absolute folder, or its URI)
   * @param items the seeded subset
   */
  public static EvaluationConfig config(Settings s, String modelSha256, String dataset, List<String> ids) {
    return new EvaluationConfig(modelSha256, s.methods().stream().map(CamMethod::id).toList(), s.images(), s.seed(),
        s.samples(), s.sigma(), s.step(), dataset, EvaluationConfig.hashOf(ids), s.preset().id(), s.reading().asMap(),
        s.fast() == null ? null : s.fast().tolerance());
  }

  /** How {@code config.json} records the model's target layer: its name and reading. */
  public static String layerOf(OnnxClassifier model) {
    dev.sscam.model.TargetLayer l = model.layers().defaultLayer();
    return l.name() + ", " + l.reading().label();
  }

  /**
   * The per-image evaluator of {@code s} on {@code model} (no figure recorded): whoever runs a pair
   * with it, here or on another machine, gets the same figures.
   */
  public static ImageEvaluation imageEvaluation(OnnxClassifier model, Settings s) {
    return new ImageEvaluation(model, s.camOptions(model.batchSize()),
        new DeletionInsertion(s.step(), model.batchSize(), new GaussianBlur()));
  }

  /**
   * Runs (or resumes) the evaluation.
   *
   * @return the number of pairs computed in this call
   */
  public static int run(OnnxClassifier model, Settings s, Consumer<String> note, EvaluationRun.Listener listener) {
    Dataset dataset = openDataset(s.data(), note);
    int[] indices = dataset.randomIndices(s.images(), s.seed());
    List<String> ids = java.util.Arrays.stream(indices).mapToObj(i -> dataset.ids().get(i)).toList();
    EvaluationConfig config = config(s, model.file().sha256(), s.data().toAbsolutePath().normalize().toString(), ids)
        .withLayer(layerOf(model));
    ImageEvaluation evaluation = imageEvaluation(model, s)
        .recordFigure(new EvaluationFigure(s.out(), ids.stream().limit(EvaluationFigure.DEFAULT_IMAGES).toList()));
    try (ResultsLog log = ResultsLog.open(s.out(), config)) {
      long earlier = ids.stream().filter(log::isSkipped).count();
      if (earlier > 0) {
        note.accept(earlier + " image" + (earlier == 1 ? " was" : "s were") + " skipped by an earlier run and"
            + " are not retried (see " + s.out().resolve(ResultsLog.FILE) + "; delete a skip line to retry it)");
      }
      return EvaluationRun.run(evaluation, dataset, indices, s.methods(),
          item -> model.card().preprocessing().apply(item.image()), log, listener);
    }
  }
}
