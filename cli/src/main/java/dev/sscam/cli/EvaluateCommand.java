package dev.sscam.cli;

import dev.sscam.cam.CamMethod;
import dev.sscam.evaluation.Evaluation;
import dev.sscam.evaluation.EvaluationReport;
import dev.sscam.evaluation.EvaluationRun;
import dev.sscam.evaluation.ImageResult;
import dev.sscam.evaluation.ResultsLog;
import dev.sscam.evaluation.SkippedItem;
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
        "Average Drop, Increase in Confidence, Win %%, deletion/insertion AUC and the energy pointing game, with "
            + "bootstrap 95%% intervals, on a seeded random subset; each method's empty maps and seconds per image too.",
        "Results go to OUT/results.jsonl as they finish; rerunning with the same options resumes (a larger --images "
            + "adds images). Writes OUT/report.{md,csv,html}.",
        "An image or annotation that cannot be decoded or parsed, or a model output with NaN for one image, skips "
            + "that image: it is logged with the reason, listed in the report and not retried by a rerun; the run goes on.",
        "A file that is missing or unreadable stops the run naming it, with nothing logged: a rerun resumes. So does a "
            + "model that cannot be explained this way (no gradient rule for an operator of its head, an unknown layer)."})
final class EvaluateCommand implements Callable<Integer> {
  @Mixin ModelOptions model;

  @Mixin EvaluationOptions evaluation;

  @Mixin FastOptions fast;

  @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
  boolean quiet;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    evaluation.validate();
    Path data = Path.of(evaluation.data());
    Path out = Path.of(evaluation.out());
    List<CamMethod> chosen = evaluation.methods();
    ProgressBar bar = new ProgressBar("evaluate", quiet);
    double[] sums = new double[4];
    int[] n = new int[1];
    int computed;
    try (OnnxClassifier m = model.open()) {
      EvaluationRun.Listener listener = new EvaluationRun.Listener() {
        @Override
        public void finished(int done, int total, ImageResult r) {
          if (r != null) {
            record(r, sums, n);
            // Empty maps counted live: a degenerate setting (e.g. SS-CAM at a too-large σ) shows early.
            bar.suffix(String.format(Locale.ROOT, "drop %.1f%% del %.1f%% ins %.1f%% empty maps %d",
                sums[0] / n[0], sums[1] / n[0], sums[2] / n[0], (int) sums[3]));
          }
          bar.advance(done, total);
        }

        @Override
        public void skipped(SkippedItem item) {
          bar.finish();
          stderr.println("sscam: skipped " + item.image() + ": " + item.reason());
        }
      };
      computed = Evaluation.run(m, new Evaluation.Settings(data, chosen, evaluation.images(),
          evaluation.seed(), evaluation.samples(), evaluation.sigma(), evaluation.step(), out, evaluation.preset(),
          evaluation.reading(), fast.mode()),
          note -> stderr.println("sscam: note: " + note), listener);
    } finally {
      bar.finish();
    }
    EvaluationReport report = EvaluationReport.from(out);
    HumanTrustAppendix.addTo(report, out, null, stderr);
    List<Path> written = report.write(out);
    stdout.printf("%d image x method pairs computed (others resumed); report: %s%n", computed,
        written.stream().map(Path::toString).sorted().toList());
    if (!report.skipped().isEmpty()) {
      stdout.printf("%d image%s skipped and left out of the report (listed in it and in %s)%n", report.skipped().size(),
          report.skipped().size() == 1 ? "" : "s", out.resolve(ResultsLog.FILE));
    }
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
