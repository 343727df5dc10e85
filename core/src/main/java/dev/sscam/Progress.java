package dev.sscam;

/** Receives progress of a long computation (forward passes done out of the total). */
@FunctionalInterface
public interface Progress {
  /** A listener that ignores everything. */
  Progress NONE = (done, total) -> { };

  /** Called after each batch with the units finished so far and the total expected. */
  void advance(long done, long total);
}
