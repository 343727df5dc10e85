package dev.sscam.study;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * At most {@code max} new participants per client address in any {@code window}: a script that presses
 * Start in a loop fills neither the database nor the admin page. Generous by default, since a class
 * behind one router shares one address.
 */
public final class NewParticipantLimit {
  /** New participants one address may start per hour by default. */
  public static final int DEFAULT_PER_HOUR = 100;

  private final int max;
  private final long windowNanos;
  private final LongSupplier clock;
  private final Map<String, Deque<Long>> starts = new HashMap<>();

  /** At most {@code max} per address in any {@code window}. */
  public NewParticipantLimit(int max, Duration window) {
    this(max, window, System::nanoTime);
  }

  NewParticipantLimit(int max, Duration window, LongSupplier clock) {
    if (max < 1) {
      throw new IllegalArgumentException("the limit of new participants must be >= 1, got " + max);
    }
    this.max = max;
    this.windowNanos = window.toNanos();
    this.clock = clock;
  }

  /** At most {@code max} new participants per address in any hour. */
  public static NewParticipantLimit perHour(int max) {
    return new NewParticipantLimit(max, Duration.ofHours(1));
  }

  /** Records a new participant from {@code address} if the limit allows it; false when it does not. */
  synchronized boolean tryStart(String address) {
    long now = clock.getAsLong();
    // forget addresses whose starts have all left the window, so the map stays small
    for (Iterator<Deque<Long>> it = starts.values().iterator(); it.hasNext(); ) {
      Deque<Long> d = it.next();
      while (!d.isEmpty() && now - d.peekFirst() >= windowNanos) {
        d.pollFirst();
      }
      if (d.isEmpty()) {
        it.remove();
      }
    }
    Deque<Long> d = starts.computeIfAbsent(address, a -> new ArrayDeque<>());
    if (d.size() >= max) {
      return false;
    }
    d.addLast(now);
    return true;
  }
}
