package dev.sscam.cli;

import dev.sscam.Progress;
import dev.sscam.cam.CamMethod;
import dev.sscam.cam.CamOptions;
import dev.sscam.cam.Explainer;
import dev.sscam.cam.SaliencyMap;
import java.io.PrintStream;

/**
 * A one-line progress bar with ETA on stderr, shown only on a terminal (quiet when stderr is not a
 * TTY, or with --quiet). Redraws at most every 200 ms.
 */
final class ProgressBar implements Progress {
  private final PrintStream err;
  private final String label;
  private final boolean enabled;
  private final long start = System.nanoTime();
  private long lastDraw;
  private boolean drawn;
  private String suffix = "";

  ProgressBar(String label, boolean quiet) {
    this.err = System.err;
    this.label = label;
    this.enabled = !quiet && System.console() != null;
  }

  /** One map, with a bar labelled {@code label} while its forward passes run. */
  static SaliencyMap explain(Explainer explainer, float[] x, CamMethod method, CamOptions options, String label,
      boolean quiet) {
    ProgressBar bar = new ProgressBar(label, quiet);
    try {
      return explainer.explain(x, method, options, bar);
    } finally {
      bar.finish();
    }
  }

  /** Extra text after the bar (e.g. running means). */
  void suffix(String s) {
    suffix = s;
  }

  @Override
  public void advance(long done, long total) {
    if (!enabled) {
      return;
    }
    long now = System.nanoTime();
    if (done < total && now - lastDraw < 200_000_000L) {
      return;
    }
    lastDraw = now;
    double frac = total == 0 ? 1 : (double) done / total;
    double elapsed = (now - start) / 1e9;
    String eta = done == 0 ? "--" : time(elapsed / frac - elapsed);
    int width = 28;
    int fill = (int) Math.round(frac * width);
    err.printf("\r%s [%s%s] %5.1f%% %d/%d ETA %s %s", label, "#".repeat(fill), ".".repeat(width - fill),
        100 * frac, done, total, eta, suffix);
    drawn = true;
    err.flush();
  }

  /** Ends the line if anything was drawn. */
  void finish() {
    if (drawn) {
      err.print("\r\033[K");
      err.flush();
    }
  }

  private static String time(double s) {
    long t = Math.round(s);
    return t >= 3600 ? String.format("%dh%02dm", t / 3600, t / 60 % 60) : String.format("%dm%02ds", t / 60, t % 60);
  }
}
