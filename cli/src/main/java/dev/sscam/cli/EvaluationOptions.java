package dev.sscam.cli;

import dev.sscam.SscamException;
import dev.sscam.cam.CamMethod;
import dev.sscam.cam.Methods;
import dev.sscam.cam.Preset;
import dev.sscam.cam.Reading;
import dev.sscam.metrics.DeletionInsertion;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What to evaluate, as {@code sscam evaluate} and the Spark job ({@code dev.sscam.spark.EvaluateJob})
 * both take it: one declaration, so the two cannot drift apart. Where the data and output are is
 * a folder for the CLI and a Hadoop URI for the Spark job; each command reads them its way.
 */
public final class EvaluationOptions {
  @Option(names = "--data", paramLabel = "DIR", required = true,
      description = "Dataset: ILSVRC validation layout (images + XML annotations) or a plain image folder.")
  String data;

  @Option(names = "--methods", paramLabel = "METHOD", split = ",", defaultValue = "paper",
      description = "Methods (default: ${DEFAULT-VALUE} = the paper's six; all = every method but cam).")
  List<String> methods;

  @Option(names = "--images", paramLabel = "M", defaultValue = "2000", description = "Images in the random subset (default: ${DEFAULT-VALUE}).")
  int images;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Subset and noise seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = {"-N", "--samples"}, paramLabel = "N", defaultValue = "10", description = "SS-CAM noisy samples (default: ${DEFAULT-VALUE}).")
  int samples;

  @Option(names = "--sigma", paramLabel = "S", defaultValue = "2", description = "SS-CAM noise σ (default: ${DEFAULT-VALUE}).")
  double sigma;

  @Option(names = "--step", paramLabel = "P", defaultValue = "" + DeletionInsertion.DEFAULT_STEP,
      description = "Deletion/insertion pixels per step (default: ${DEFAULT-VALUE}).")
  int step;

  @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = "sscam-eval", description = "Output folder (default: ${DEFAULT-VALUE}).")
  String out;

  @Mixin ReadingOptions reading;

  /** Refuses values no evaluation can run with, naming the option. */
  public void validate() {
    if (images < 1) {
      throw new SscamException("--images must be >= 1, got " + images);
    }
    if (step < 1) {
      throw new SscamException("--step must be >= 1, got " + step);
    }
  }

  /** {@code --data} as given. */
  public String data() {
    return data;
  }

  /** {@code --out} as given. */
  public String out() {
    return out;
  }

  /** The methods, parsed, in table order. */
  public List<CamMethod> methods() {
    return Methods.parse(methods);
  }

  /** {@code --images}. */
  public int images() {
    return images;
  }

  /** {@code --seed}. */
  public long seed() {
    return seed;
  }

  /** {@code -N}. */
  public int samples() {
    return samples;
  }

  /** {@code --sigma}. */
  public double sigma() {
    return sigma;
  }

  /** {@code --step}. */
  public int step() {
    return step;
  }

  /** {@code --preset}, or the default. */
  public Preset preset() {
    return reading.preset();
  }

  /** The preset's reading with the command line's overrides applied. */
  public Reading reading() {
    return reading.reading();
  }
}
