package dev.sscam;

import java.time.Duration;

/**
 * A request to stop a long computation early: cancelled by hand ({@link #cancel}) or when its time
 * limit passes ({@link #within}). The computation asks {@link #check()} at its natural pauses (for a
 * map: before it starts and after each batch of forward passes) and unwinds with a {@link Cancelled}
 * exception, so that everything it held becomes garbage and every native tensor is closed on the way
 * out. Thread-safe: one thread computes, any other may cancel.
 */
public final class Cancellation {
  /** A computation nobody cancels (what the overloads without a cancellation use). */
  public static final Cancellation NONE = new Cancellation(Long.MAX_VALUE, null);

  private final long deadlineNanos;
  private final Duration limit;
  private volatile String reason;

  private Cancellation(long deadlineNanos, Duration limit) {
    this.deadlineNanos = deadlineNanos;
    this.limit = limit;
  }

  /** A cancellation that only {@link #cancel} triggers. */
  public static Cancellation manual() {
    return new Cancellation(Long.MAX_VALUE, null);
  }

  /** A cancellation that triggers once {@code limit} has passed from now, or by {@link #cancel}. */
  public static Cancellation within(Duration limit) {
    if (limit.isNegative()) {
      throw new IllegalArgumentException("a time limit cannot be negative: " + limit);
    }
    return new Cancellation(System.nanoTime() + limit.toNanos(), limit);
  }

  /** Asks the computation to stop at its next pause; {@code why} becomes the exception's message. */
  public void cancel(String why) {
    if (this == NONE) {
      throw new IllegalStateException("Cancellation.NONE cannot be cancelled; use Cancellation.manual()");
    }
    if (reason == null) {
      reason = why;
    }
  }

  /** Whether the computation should stop: cancelled, or past its time limit. */
  public boolean isCancelled() {
    return reason != null || (limit != null && System.nanoTime() - deadlineNanos >= 0);
  }

  /**
   * Returns quietly while the computation may go on.
   *
   * @throws Cancelled once it was cancelled or its time limit passed
   */
  public void check() {
    String why = reason;
    if (why != null) {
      throw new Cancelled(why, false);
    }
    if (limit != null && System.nanoTime() - deadlineNanos >= 0) {
      throw new Cancelled("time limit of " + seconds(limit) + " exceeded", true);
    }
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : String.format(java.util.Locale.ROOT, "%.3g s", d.toMillis() / 1e3);
  }

  /** A computation stopped by its {@link Cancellation}. */
  public static final class Cancelled extends SscamException {
    private static final long serialVersionUID = 1L;
    private final boolean timedOut;

    Cancelled(String message, boolean timedOut) {
      super(message);
      this.timedOut = timedOut;
    }

    /** Whether the time limit stopped it (rather than {@link Cancellation#cancel}). */
    public boolean timedOut() {
      return timedOut;
    }
  }
}
