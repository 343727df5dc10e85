package dev.sscam.cli;

import dev.sscam.SscamException;
import dev.sscam.cam.CamMethod;
import dev.sscam.cam.Methods;
import dev.sscam.evaluation.Evaluation;
import dev.sscam.evaluation.EvaluationReport;
import dev.sscam.evaluation.ImageResult;
import dev.sscam.metrics.DeletionInsertion;
import dev.sscam.model.OnnxClassifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sscam evaluate}: the SS-CAM paper's evaluation on a dataset, resumable, then its report. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = {"Run the paper's evaluation on a dataset and write its tables.",
        "Average Drop, Increase in Confidence, Win %%, deletion/insertion AUC and the energy pointing game, with",
        "bootstrap 95%% intervals, on a seeded random subset; each method's empty maps and seconds per image too.",
        "Results go to OUT/results.jsonl as they finish;",
        "rerunning with the same options resumes (a larger --images adds images). Writes OUT/report.{md,csv,html}."})
final class EvaluateCommand implements Callable<Integer> {
  @Mixin ModelOptions model;

  @Option(names = "--data", paramLabel = "DIR", required = true,
      description = "Dataset: ILSVRC validation layout (images + XML annotations) or a plain image folder.")
  Path data;

  @Option(names = "--methods", paramLabel = "METHOD", split = ",", defaultValue = "all",
      description = "Methods (default: ${DEFAULT-VALUE} = the paper's six).")
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
  Path out;

  @Mixin ReadingOptions reading;

  @Mixin FastOptions fast;

  @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
  boolean quiet;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    if (images < 1) {
      throw new SscamException("--images must be >= 1, got " + images);
    }
    if (step < 1) {
      throw new SscamException("--step must be >= 1, got " + step);
    }
    List<CamMethod> chosen = Methods.parse(methods);
    ProgressBar bar = new ProgressBar("evaluate", quiet);
    double[] sums = new double[4];
    int[] n = new int[1];
    int computed;
    try (OnnxClassifier m = model.open()) {
      computed = Evaluation.run(m, new Evaluation.Settings(data, chosen, images, seed, samples, sigma, step, out,
          reading.preset(), reading.reading(), fast.mode()),
          note -> stderr.println("sscam: note: " + note), (done, total, r) -> {
            if (r != null) {
              record(r, sums, n);
              // Empty maps counted live: a degenerate setting (e.g. SS-CAM at a too-large σ) shows early.
              bar.suffix(String.format(Locale.ROOT, "drop %.1f%% del %.1f%% ins %.1f%% empty maps %d",
                  sums[0] / n[0], sums[1] / n[0], sums[2] / n[0], (int) sums[3]));
            }
            bar.advance(done, total);
          });
    } finally {
      bar.finish();
    }
    EvaluationReport report = EvaluationReport.from(out);
    List<Path> written = report.write(out);
    stdout.printf("%d image x method pairs computed (others resumed); report: %s%n", computed,
        written.stream().map(Path::toString).sorted().toList());
    return 0;
  }

  private static void record(ImageResult r, double[] sums, int[] n) {
    sums[0] += r.drop();
    sums[1] += r.deletionAuc();
    sums[2] += r.insertionAuc();
    sums[3] += Boolean.TRUE.equals(r.emptyMap()) ? 1 : 0;
    n[0]++;
  }
}
