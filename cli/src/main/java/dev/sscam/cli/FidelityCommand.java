package dev.sscam.cli;

import dev.sscam.SscamException;
import dev.sscam.cam.CamMethod;
import dev.sscam.cam.CamOptions;
import dev.sscam.cam.FastMode;
import dev.sscam.cam.Methods;
import dev.sscam.data.Dataset;
import dev.sscam.data.DatasetItem;
import dev.sscam.evaluation.Evaluation;
import dev.sscam.evaluation.FastFidelity;
import dev.sscam.evaluation.FastFidelity.Comparison;
import dev.sscam.model.OnnxClassifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sscam fidelity}: exact and fast maps of the same seed on M images of a dataset, compared
 * (passes, seconds, Pearson of E, box energy, Average Drop), per method.
 */
@Command(name = "fidelity", mixinStandardHelpOptions = true,
    description = {"Compare fast mode (--fast) with the exact maps of the same seed on M images of a dataset.",
        "Per method: passes and seconds (fast/exact ratios, measured in the same run), Pearson of E (median, 5th"
            + " percentile), true and estimated RMS error of E, and the change in box energy and Average Drop."})
final class FidelityCommand implements Callable<Integer> {
  @Mixin ModelOptions model;

  @Option(names = "--data", paramLabel = "DIR", required = true,
      description = "Dataset: ILSVRC validation layout (box energy needs its annotations) or a plain image folder.")
  Path data;

  @Option(names = "--images", paramLabel = "M", defaultValue = "50", description = "Images, a seeded random subset (default: ${DEFAULT-VALUE}).")
  int images;

  @Option(names = "--skip", paramLabel = "K", defaultValue = "0",
      description = "Leave out the first K images of the subset (split one subset over several processes).")
  int skip;

  @Option(names = "--methods", paramLabel = "METHOD", split = ",", defaultValue = "score-cam,ss-cam-1,ss-cam-2",
      description = "Methods (default: ${DEFAULT-VALUE}).")
  List<String> methods;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Subset and noise seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = {"-N", "--samples"}, paramLabel = "N", defaultValue = "10", description = "SS-CAM noisy samples (default: ${DEFAULT-VALUE}).")
  int samples;

  @Option(names = "--sigma", paramLabel = "S", defaultValue = "2", description = "SS-CAM noise σ (default: ${DEFAULT-VALUE}).")
  double sigma;

  @Option(names = "--fast-tolerance", paramLabel = "T", defaultValue = "" + FastMode.DEFAULT_TOLERANCE,
      description = "Fast mode's tolerance (default: ${DEFAULT-VALUE}).")
  double tolerance;

  @Mixin ReadingOptions reading;

  @Option(names = {"-o", "--out"}, paramLabel = "FILE.md",
      description = "Also write the summary tables to FILE.md, rewritten after each image (so a stopped run keeps"
          + " the tables of the images it finished).")
  Path outFile;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (images < 1) {
      throw new SscamException("--images must be >= 1, got " + images);
    }
    FastMode mode = new FastMode(tolerance);
    List<CamMethod> chosen = Methods.parse(methods);
    Map<String, List<Comparison>> all = new LinkedHashMap<>();
    try (OnnxClassifier m = model.open()) {
      Dataset dataset = Evaluation.openDataset(data, note -> spec.commandLine().getErr().println("sscam: note: " + note));
      List<DatasetItem> subset = dataset.randomSubset(images, seed);
      if (skip < 0 || skip >= subset.size()) {
        throw new SscamException("--skip must be in 0.." + (subset.size() - 1) + ", got " + skip);
      }
      List<DatasetItem> items = subset.subList(skip, subset.size());
      CamOptions options = reading.applyTo(CamOptions.builder(), reading.preset()).samples(samples).sigma(sigma)
          .seed(seed).batchSize(model.batchSize).build();
      FastFidelity fidelity = new FastFidelity(m, options, mode);
      out.printf(Locale.ROOT, "model %s, %d images of %s, preset %s, N=%d, sigma=%s, tolerance %s, batch %d%n",
          model.modelPath().getFileName(), items.size(), data, options.preset().id(), samples, sigma, tolerance,
          model.batchSize);
      out.printf("%-8s %-22s %7s %7s %7s %7s %8s %8s %8s %8s%n", "method", "image", "passes", "ratio", "s ratio", "pearson",
          "rms", "est", "dEnergy", "dDrop");
      String heading = String.format(Locale.ROOT, "model %s, preset %s, N=%d, sigma=%s, tolerance %s, batch %d, seed %d",
          model.modelPath().getFileName(), options.preset().id(), samples, sigma, tolerance, model.batchSize, seed);
      for (DatasetItem item : items) {
        float[] x = m.card().preprocessing().apply(item.image());
        for (CamMethod method : chosen) {
          Comparison c = fidelity.compare(item, x, method);
          all.computeIfAbsent(method.id(), k -> new ArrayList<>()).add(c);
          out.printf(Locale.ROOT, "%-8s %-22s %7d %7.3f %7.3f %7.4f %8.4f %8.4f %8s %+8.2f%n", method.id(), item.id(),
              c.fastPasses(), (double) c.fastPasses() / c.exactPasses(), c.fastSeconds() / c.exactSeconds(), c.pearson(),
              c.rmsError(), c.estimatedError(), c.exactEnergy() == null ? "-"
                  : String.format(Locale.ROOT, "%+.2f", c.fastEnergy() - c.exactEnergy()), c.fastDrop() - c.exactDrop());
          out.flush();
        }
        if (outFile != null) {
          writeSummary(heading, all);
        }
      }
    }
    out.println();
    out.println(summaryHeader());
    for (Map.Entry<String, List<Comparison>> e : all.entrySet()) {
      out.println(summary(e.getKey(), e.getValue()));
    }
    out.flush();
    return 0;
  }

  /** The summary so far, written to a temporary file then moved over {@link #outFile}. */
  private void writeSummary(String heading, Map<String, List<Comparison>> all) {
    StringBuilder sb = new StringBuilder("Fast vs exact, ").append(heading).append(", ")
        .append(all.values().stream().mapToInt(List::size).max().orElse(0)).append(" images\n\n")
        .append(summaryHeader()).append('\n');
    all.forEach((method, cs) -> sb.append(summary(method, cs)).append('\n'));
    try {
      Path dir = outFile.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, outFile.getFileName().toString(), ".tmp");
      Files.writeString(tmp, sb);
      Files.move(tmp, outFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new SscamException("cannot write " + outFile + ": " + e.getMessage(), e);
    }
  }

  static String summaryHeader() {
    return "| method | images | exact passes (median) | fast passes (median) | passes ratio (median / max) | seconds ratio"
        + " (total) | Pearson of E (median / 5th pct) | RMS error of E, true / estimated (median) | box energy change,"
        + " mean (mean abs) | Average Drop exact → fast | maps whose true error exceeds the estimate |\n|---|---|---|---|---|---|---|---|---|---|---|";
  }

  /** One Markdown table row for a method's comparisons. */
  static String summary(String method, List<Comparison> cs) {
    double[] ratio = values(cs, c -> (double) c.fastPasses() / c.exactPasses());
    double exactSeconds = cs.stream().mapToDouble(Comparison::exactSeconds).sum();
    double fastSeconds = cs.stream().mapToDouble(Comparison::fastSeconds).sum();
    double[] pearson = values(cs, Comparison::pearson);
    List<Comparison> boxed = cs.stream().filter(c -> c.exactEnergy() != null).toList();
    double dEnergy = boxed.stream().mapToDouble(c -> c.fastEnergy() - c.exactEnergy()).average().orElse(Double.NaN);
    double absEnergy = boxed.stream().mapToDouble(c -> Math.abs(c.fastEnergy() - c.exactEnergy())).average().orElse(Double.NaN);
    double dropExact = cs.stream().mapToDouble(Comparison::exactDrop).average().orElse(Double.NaN);
    double dropFast = cs.stream().mapToDouble(Comparison::fastDrop).average().orElse(Double.NaN);
    long above = cs.stream().filter(c -> c.rmsError() > c.estimatedError()).count();
    return String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.3f / %.3f | %.3f | %.4f / %.4f | %.4f / %.4f | %+.2f (%.2f) | %.2f → %.2f (%+.2f) | %d of %d |",
        method, cs.size(), median(values(cs, c -> c.exactPasses())), median(values(cs, c -> c.fastPasses())),
        median(ratio), max(ratio), fastSeconds / exactSeconds, median(pearson), percentile(pearson, 5),
        median(values(cs, Comparison::rmsError)), median(values(cs, Comparison::estimatedError)), dEnergy, absEnergy,
        dropExact, dropFast, dropFast - dropExact, above, cs.size());
  }

  private static double[] values(List<Comparison> cs, ToDoubleFunction<Comparison> f) {
    return cs.stream().mapToDouble(f).toArray();
  }

  private static double median(double[] v) {
    return percentile(v, 50);
  }

  private static double max(double[] v) {
    return java.util.Arrays.stream(v).max().orElse(Double.NaN);
  }

  /** The p-th percentile, as commons-math's Percentile estimates it by default. */
  private static double percentile(double[] v, double p) {
    return v.length == 0 ? Double.NaN : new Percentile().evaluate(v, p);
  }
}
