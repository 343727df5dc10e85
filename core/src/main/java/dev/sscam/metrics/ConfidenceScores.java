package dev.sscam.metrics;

import dev.sscam.SscamException;

/**
 * Checks shared by the confidence metrics: the per-image score arrays {@code Y} (the class score
 * on the original image) and {@code O} (on the image masked by its explanation map) pair up.
 */
final class ConfidenceScores {
  private ConfidenceScores() {}

  static void requirePaired(String metric, double[] y, double[] o) {
    if (y.length != o.length) {
      throw new SscamException(metric + ": " + y.length + " original scores but " + o.length + " masked scores");
    }
    if (y.length == 0) {
      throw new SscamException(metric + ": no images");
    }
    for (int i = 0; i < y.length; i++) {
      if (!Double.isFinite(y[i]) || !Double.isFinite(o[i])) {
        throw new SscamException(metric + ": image " + i + " has a non-finite score (Y=" + y[i] + ", O=" + o[i] + ")");
      }
    }
  }

  static double mean(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum / values.length;
  }
}
