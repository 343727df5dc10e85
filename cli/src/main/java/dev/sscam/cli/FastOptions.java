package dev.sscam.cli;

import dev.sscam.cam.FastMode;
import picocli.CommandLine.Option;

/**
 * {@code --fast} and {@code --fast-tolerance}: fast mode of Score-CAM and SS-CAM ({@link FastMode}); a
 * mixin of the CLI's commands and of the Spark job.
 */
public final class FastOptions {
  @Option(names = "--fast",
      description = {"Fast mode for score-cam, ss-cam-1 and ss-cam-2: spend only as many of the exact method's forward"
          + " passes (same seeded noise) as it takes to bring the map's estimated RMS error (E in 0..1) under the"
          + " tolerance. The map is marked fast, with its passes and estimated error. Other methods are unaffected."})
  boolean fast;

  @Option(names = "--fast-tolerance", paramLabel = "T",
      description = "Tolerance of --fast, the estimated RMS error of E accepted (implies --fast; default: "
          + FastMode.DEFAULT_TOLERANCE + "; 0 spends every exact pass and gives the exact map).")
  Double tolerance;

  /** The fast mode asked for, or null for exact maps. */
  public FastMode mode() {
    if (tolerance != null) {
      return new FastMode(tolerance);
    }
    return fast ? FastMode.defaults() : null;
  }
}
