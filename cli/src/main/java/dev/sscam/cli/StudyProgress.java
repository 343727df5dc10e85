package dev.sscam.cli;

import dev.sscam.study.StudyCreation;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of {@code sscam study create}, which can take many minutes: on a terminal a bar redrawn in
 * place (at most every 200 ms) with the share done and the time left; elsewhere (a log, a CI job) one line
 * per image with the time left. The time left comes from whole images once one is done: the methods of
 * one image cost very different amounts (Grad-CAM one pass, SS-CAM thousands), so a share of passes would
 * promise too much early in an image.
 */
final class StudyProgress implements StudyCreation.Listener {
  private final PrintWriter err;
  private final boolean terminal;
  private final boolean quiet;
  private final LongSupplier clock;
  private final long start;
  private long lastDraw;
  private long lastImageAt;
  private int imagesDone;
  private boolean drawn;

  /**
   * @param err where to write
   * @param terminal whether {@code err} is a terminal (a bar redrawn in place) or not (a line per image)
   * @param quiet nothing at all (--quiet)
   * @param clock nanoseconds, as {@link System#nanoTime}
   */
  StudyProgress(PrintWriter err, boolean terminal, boolean quiet, LongSupplier clock) {
    this.err = err;
    this.terminal = terminal;
    this.quiet = quiet;
    this.clock = clock;
    this.start = clock.getAsLong();
    this.lastImageAt = start;
  }

  @Override
  public void progress(double fraction, int done, int images) {
    if (quiet) {
      return;
    }
    long now = clock.getAsLong();
    boolean imageFinished = done > imagesDone;
    if (imageFinished) {
      imagesDone = done;
      lastImageAt = now;
    }
    String left = left(fraction, now, images);
    if (terminal) {
      if (!imageFinished && drawn && now - lastDraw < 200_000_000L) {
        return;
      }
      lastDraw = now;
      int width = 28;
      int fill = (int) Math.round(fraction * width);
      err.printf(Locale.ROOT, "\rstudy [%s%s] %5.1f%% %d/%d images, %s elapsed, ETA %s\033[K", "#".repeat(fill),
          ".".repeat(width - fill), 100 * fraction, done, images, time(seconds(now - start)), left);
      drawn = true;
    } else if (imageFinished) {
      err.printf(Locale.ROOT, "study: %d of %d images, %s elapsed, ETA %s%n", done, images,
          time(seconds(now - start)), left);
    }
    err.flush();
  }

  /** The time left: from whole images when one is done, else from the share of the first image's passes. */
  private String left(double fraction, long now, int images) {
    if (imagesDone == images) {
      return time(0);
    }
    if (imagesDone > 0) {
      double perImage = seconds(lastImageAt - start) / imagesDone;
      return time(Math.max(0, perImage * (images - imagesDone) - seconds(now - lastImageAt)));
    }
    if (fraction <= 0) {
      return "--";
    }
    double elapsed = seconds(now - start);
    return "~" + time(elapsed / fraction - elapsed);
  }

  /** Ends the bar's line, if one was drawn. */
  void finish() {
    if (drawn) {
      err.print("\r\033[K");
      err.flush();
    }
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  static String time(double seconds) {
    long t = Math.round(seconds);
    return t >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", t / 3600, t / 60 % 60)
        : String.format(Locale.ROOT, "%dm%02ds", t / 60, t % 60);
  }
}
