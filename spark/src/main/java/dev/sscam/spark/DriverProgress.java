package dev.sscam.spark;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The driver's progress line: images done, images left and an ETA, told as pairs come back. An
 * image is done when all its pairs are (or it was skipped). The ETA is the images left times the
 * mean wall time per image finished in this run: {@code left · elapsed / finished}.
 */
final class DriverProgress {
  private static final long EVERY_NANOS = Duration.ofSeconds(10).toNanos();

  private final Map<String, Integer> pairsLeft = new HashMap<>();
  private final int images;
  private final Consumer<String> log;
  private final long start = System.nanoTime();
  private int done;
  private int finishedHere;
  private long lastLog;

  /**
   * @param images every image of the subset
   * @param pending the pairs still to compute, by image id (one entry per pair)
   * @param log where the lines go
   */
  DriverProgress(int images, List<String> pending, Consumer<String> log) {
    this.images = images;
    this.log = log;
    for (String id : pending) {
      pairsLeft.merge(id, 1, Integer::sum);
    }
    this.done = images - pairsLeft.size();
    log.accept(String.format(Locale.ROOT, "sscam: %d images done, %d left (%d pairs to compute)", done,
        images - done, pending.size()));
  }

  /** One pair of {@code image} came back. */
  synchronized void pairFinished(String image) {
    Integer left = pairsLeft.computeIfPresent(image, (k, v) -> v - 1);
    if (left != null && left == 0) {
      pairsLeft.remove(image);
      done++;
      finishedHere++;
      long now = System.nanoTime();
      if (now - lastLog >= EVERY_NANOS || pairsLeft.isEmpty()) {
        lastLog = now;
        log.accept(line(now));
      }
    }
  }

  private String line(long now) {
    int left = images - done;
    String eta = finishedHere == 0 ? "?" : format(Duration.ofNanos((long) ((double) (now - start) / finishedHere * left)));
    return String.format(Locale.ROOT, "sscam: %d images done, %d left, ETA %s", done, left, eta);
  }

  private static String format(Duration d) {
    return String.format(Locale.ROOT, "%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
  }
}
