package dev.sscam.cam;

import dev.sscam.SscamException;

/**
 * Opt-in fast mode of the score-based methods (Score-CAM, SS-CAM (1), SS-CAM (2)): the channel
 * weights come from a subset of the exact method's forward passes, drawn until the map's estimated
 * error is at most {@code tolerance} ({@link FastChannelWeights}). The error is the root-mean-square
 * difference between the fast and the exact explanation map {@code E} (both in [0, 1]), estimated
 * from the spread of the draws; tolerance 0 spends every exact pass and gives the exact map.
 *
 * @param tolerance the largest estimated RMS error of {@code E} accepted, a finite number ≥ 0
 */
public record FastMode(double tolerance) {
  /** The tolerance of {@code --fast} without {@code --fast-tolerance}. */
  public static final double DEFAULT_TOLERANCE = 0.02;

  public FastMode {
    if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
      throw new SscamException("fast tolerance must be a finite number >= 0, got " + tolerance);
    }
  }

  /** Fast mode at {@link #DEFAULT_TOLERANCE}. */
  public static FastMode defaults() {
    return new FastMode(DEFAULT_TOLERANCE);
  }
}
