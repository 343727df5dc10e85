package dev.sscam.cli;

import dev.sscam.SscamException;
import dev.sscam.cam.CamMethod;
import dev.sscam.cam.CamOptions;
import dev.sscam.cam.Explainer;
import dev.sscam.cam.Methods;
import dev.sscam.cam.SaliencyMap;
import dev.sscam.model.OnnxClassifier;
import dev.sscam.model.TargetLayer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sscam bench}: each method's wall time per map against the wall time of the same number of
 * plain forward passes, measured in one run (absolute times on a shared machine are noise; the
 * ratio is the figure of merit), and resident memory across repeated maps.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Time each method's map against the same number of plain forward passes.",
        "Prints the ratio (map time / time of as many plain passes, paired map by map in one run, the median over the maps), what one pass costs plain, with the layer's activations and with the head's gradient, and resident memory across repeated maps.",
        "Each method first runs untimed maps (up to 300, or 2 s) while the JIT compiles its code, as a run over many images would have it."})
final class BenchCommand implements Callable<Integer> {
  @Option(names = {"-m", "--model"}, paramLabel = "MODEL.onnx", description = "Model (default: the bundled SqueezeNet1.0).")
  Path model;

  @Option(names = {"-i", "--image"}, paramLabel = "IMAGE", description = "Image (default: the bundled example).")
  Path image;

  @Option(names = "--methods", split = ",", defaultValue = "score-cam,ss-cam-1,ss-cam-2,grad-cam,grad-cam++,smooth-grad-cam++",
      description = "Methods to time (default: ${DEFAULT-VALUE}).")
  List<String> methods;

  @Option(names = {"-N", "--samples"}, defaultValue = "10", description = "SS-CAM samples N (default: ${DEFAULT-VALUE}, the paper's metric setting).")
  int samples;

  @Option(names = "--layer", paramLabel = "LAYER",
      description = "Target layer, or layers a,b,c fused (default: the model's). A shallower layer makes the head that Ablation-CAM runs deeper.")
  String layer;

  @Option(names = {"-b", "--batch-size"}, description = "Batch size (default: the fastest of 1, 8, 16, 32 for plain passes).")
  Integer batchSize;

  @Option(names = "--repeat", defaultValue = "2",
      description = "Maps per method at least. A quick method repeats until its maps have taken 3 seconds (at most 300 maps), so that a 10 ms map is not timed once; the ratio is the median over the maps (default: ${DEFAULT-VALUE}).")
  int repeat;

  /** Wall time a quick method's maps run for at least, and the most maps that takes. */
  static final double MIN_SECONDS = 3.0;
  static final int MAX_QUICK_MAPS = 300;
  /**
   * Untimed maps before a method's timed ones: at most this many, for at most two seconds. The JIT
   * has by then compiled the method's own code and recompiled the shared map code it deoptimised
   * (compiled for the warm-up's Grad-CAM): with 50 maps or half a second, Eigen-Grad-CAM timed first
   * on the ViT still ran in recompiling code for 2 s of its maps, 1.094–1.106 against 1.083–1.087
   * timed after another method.
   */
  static final int WARM_MAPS = 300;
  static final long WARM_NANOS = 2_000_000_000L;
  /** The first warm-up (sessions, layer probe, gradient graph, shared map code): at most 1,000 Grad-CAM maps or 2 s. */
  static final int FIRST_WARM_MAPS = 1000;
  static final long FIRST_WARM_NANOS = 2_000_000_000L;

  @Option(names = "--memory-maps", defaultValue = "20",
      description = "Score-CAM maps run back to back to check resident memory stays flat (default: ${DEFAULT-VALUE}; 0 skips).")
  int memoryMaps;

  @Option(names = "--verbose", description = "Print stack traces of errors.")
  boolean verbose;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path modelPath = model != null ? model : BundledExample.model();
    Path imagePath = image != null ? image : BundledExample.image();
    int batch = batchSize != null ? batchSize : fastestBatch(modelPath, out);
    try (OnnxClassifier m = OnnxClassifier.open(modelPath, batch, 0)) {
      float[] x = ImageInputs.load(List.of(imagePath), m.card()).tensors();
      CamOptions options = CamOptions.builder().samples(samples).batchSize(batch).layer(layer).build();
      Explainer explainer = new Explainer(m);
      // Warm-up: sessions, layer probe, gradient graph, and the JIT's compilation of the shared map
      // code (without it the first method timed ran 3% slower than the same method timed later).
      long warmStart = System.nanoTime();
      for (int w = 0; w < FIRST_WARM_MAPS && System.nanoTime() - warmStart < FIRST_WARM_NANOS; w++) {
        explainer.explain(x, Methods.byId("grad-cam"), options);
      }
      m.logits(new float[batch * m.imageSize()], batch);
      out.printf("model %s, layer %s, batch %d, N=%d, %s%n", modelPath.getFileName(), layer != null && layer.contains(",") ? layer : m.layer(layer).name(), batch, samples,
          java.time.LocalDate.now());
      out.printf("%-22s %8s %5s %10s %10s %7s %10s%n", "method", "passes", "maps", "map s", "plain s", "ratio", "RSS MB");
      out.println("(passes: forward passes a map spent; maps: how many were timed; map s, plain s: medians; plain: the same number of plain passes, timed around each map; ratio: the median of each map's ratio to its plain passes)");
      for (CamMethod method : Methods.parse(methods)) {
        List<Double> mapTimes = new ArrayList<>();
        List<Double> plainTimes = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        long passes = 0;
        // Untimed maps first: the JIT compiles the method's own code before its maps count
        // (and recompiles the shared code it specialised for the previous method).
        long warm = System.nanoTime();
        for (int w = 0; w < WARM_MAPS && System.nanoTime() - warm < WARM_NANOS; w++) {
          explainer.explain(x, method, options);
        }
        // Each map is paired with the same number of plain passes timed right before and after it,
        // on copies of the same image: the pair sees one machine state, and the median of the pairs'
        // ratios shrugs off the maps a busy moment slowed.
        double spent = 0;
        double before = -1;
        for (int r = 0; r < Math.max(1, repeat) || (spent < MIN_SECONDS && r < MAX_QUICK_MAPS); r++) {
          long t0 = System.nanoTime();
          SaliencyMap s = explainer.explain(x, method, options);
          double map = (System.nanoTime() - t0) / 1e9;
          spent += map;
          passes = s.provenance().forwardPasses();
          if (before < 0) {
            before = plainPasses(m, x, (int) passes);
          }
          double after = plainPasses(m, x, (int) passes);
          double plain = (before + after) / 2;
          mapTimes.add(map);
          plainTimes.add(plain);
          ratios.add(map / plain);
          before = after;
        }
        out.printf("%-22s %8d %5d %10.3f %10.3f %7.3f %10.1f%n", method.id(), passes, ratios.size(), median(mapTimes),
            median(plainTimes), median(ratios), rssMb());
        out.flush();
      }
      passCosts(m, x, layer, out);
      if (memoryMaps > 0) {
        CamMethod score = Methods.byId("score-cam");
        List<Double> rss = new ArrayList<>();
        for (int i = 0; i < memoryMaps; i++) {
          explainer.explain(x, score, options);
          if (i == 0 || i == memoryMaps / 2 || i == memoryMaps - 1) {
            rss.add(rssMb());
          }
        }
        out.printf("memory: RSS after map 1 / %d / %d of %d Score-CAM maps: %s MB%n", memoryMaps / 2 + 1, memoryMaps, memoryMaps,
            rss.stream().map(v -> String.format("%.1f", v)).toList());
      }
    }
    out.flush();
    return 0;
  }

  /**
   * What one image's pass costs in each of the three forms the methods use: plain (logits), with the
   * target layer's activations as an extra output, and with the head's gradient as well. On a CNN the
   * three are alike; where the head after the layer is deep (a transformer block) the gradient shows.
   */
  static void passCosts(OnnxClassifier m, float[] x, String layerId, PrintWriter out) {
    TargetLayer layer = m.layer(layerId != null && layerId.contains(",") ? layerId.split(",")[0] : layerId);
    int reps = 20;
    double plain = bestMillis(reps, () -> m.logits(x, 1));
    double activations = bestMillis(reps, () -> m.activations(x, 1, layer));
    String gradient;
    try {
      gradient = String.format(Locale.ROOT, "%.2f ms", bestMillis(reps, () -> m.gradients(x, 1, layer, new int[] {0})));
    } catch (SscamException e) {
      gradient = "none (" + e.getMessage() + ")";
    }
    out.printf(Locale.ROOT, "one image, best of %d: plain pass %.2f ms, with the layer's activations %.2f ms, with the head's gradient %s%n",
        reps, plain, activations, gradient);
  }

  private static double bestMillis(int reps, Runnable pass) {
    pass.run();
    double best = Double.MAX_VALUE;
    for (int r = 0; r < reps; r++) {
      long t0 = System.nanoTime();
      pass.run();
      best = Math.min(best, (System.nanoTime() - t0) / 1e6);
    }
    return best;
  }

  /** The median of {@code values} (the mean of the middle two when their count is even). */
  static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** Wall time of {@code passes} plain forward passes of {@code x} (batched as the model's batch size). */
  static double plainPasses(OnnxClassifier m, float[] x, int passes) {
    int per = m.imageSize();
    int b = m.batchSize();
    float[] buf = new float[b * per];
    for (int i = 0; i < b; i++) {
      System.arraycopy(x, 0, buf, i * per, per);
    }
    long t0 = System.nanoTime();
    for (int done = 0; done < passes; done += b) {
      m.logits(buf, Math.min(b, passes - done));
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  private static int fastestBatch(Path modelPath, PrintWriter out) {
    int best = 16;
    double bestRate = 0;
    for (int b : new int[] {1, 8, 16, 32}) {
      try (OnnxClassifier m = OnnxClassifier.open(modelPath, b, 0)) {
        float[] x = new float[m.imageSize()];
        plainPasses(m, x, b);
        int n = Math.max(64, 4 * b);
        double t = plainPasses(m, x, n);
        double rate = n / t;
        out.printf("plain forward throughput at batch %d: %.1f images/s%n", b, rate);
        if (rate > bestRate) {
          bestRate = rate;
          best = b;
        }
      }
    }
    return best;
  }

  static double rssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (java.io.IOException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }
}
