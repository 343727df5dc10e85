package dev.sscam.serve;

import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded work queue: {@code workers} threads take jobs from a queue of {@code capacity}; a job
 * that finds it full is refused at once (503 with Retry-After), never held. Jobs submitted to be looked
 * at later (the explorer's) are kept, at most {@link #KEPT} of them and for at most {@link #KEPT_MILLIS}
 * after they finish, so that their maps can be downloaded; the oldest finished go first.
 */
final class JobQueue implements AutoCloseable {
  /** How many jobs are kept for later looks. */
  static final int KEPT = 64;
  /** How long a finished job is kept. */
  static final long KEPT_MILLIS = 30 * 60 * 1000L;

  private final ThreadPoolExecutor pool;
  private final int capacity;
  private final int workers;
  private final ServerMetrics metrics;
  private final Map<String, Job> kept = new ConcurrentHashMap<>();
  private final AtomicInteger running = new AtomicInteger();

  JobQueue(int workers, int capacity, ServerMetrics metrics) {
    this.capacity = capacity;
    this.workers = workers;
    this.metrics = metrics;
    BlockingQueue<Runnable> queue = capacity == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(capacity);
    AtomicInteger n = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS, queue, r -> {
      Thread t = new Thread(r, "sscam-serve-worker-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** Queues {@code job}; 503 when the queue is full. */
  void submit(Job job) {
    try {
      pool.execute(() -> {
        running.incrementAndGet();
        try {
          job.run();
        } finally {
          running.decrementAndGet();
        }
      });
    } catch (RejectedExecutionException e) {
      metrics.queueFull();
      ApiError full = new ApiError(503, "the server is busy: " + capacity + " requests are queued; retry after "
          + retryAfterSeconds() + " s");
      job.abandon(full);
      throw full;
    }
  }

  /** Queues {@code job} and keeps it for later looks ({@link #get}). */
  void submitKept(Job job) {
    evict();
    submit(job);
    kept.put(job.id(), job);
  }

  /** A kept job (404 when unknown or evicted). */
  Job get(String id) {
    Job j = kept.get(id);
    if (j == null) {
      throw ApiError.notFound("no job '" + id + "' (finished jobs are kept " + KEPT_MILLIS / 60000 + " min)");
    }
    return j;
  }

  /** Forgets finished jobs past their time, then the oldest finished while more than {@link #KEPT} remain. */
  private void evict() {
    long now = System.currentTimeMillis();
    kept.values().removeIf(j -> j.isFinished() && now - j.finishedAtMillis() > KEPT_MILLIS);
    while (kept.size() >= KEPT) {
      Job oldest = kept.values().stream().filter(Job::isFinished)
          .min(Comparator.comparingLong(Job::finishedAtMillis)).orElse(null);
      if (oldest == null) {
        // every kept job still runs or waits: they are bounded by the queue already
        return;
      }
      kept.remove(oldest.id());
    }
  }

  /** Seconds a refused client should wait: the mean request time × requests ahead per worker, at least 1. */
  long retryAfterSeconds() {
    double ahead = (double) (pool.getQueue().size() + running.get()) / workers;
    return Math.max(1, (long) Math.ceil(metrics.meanLatency() * Math.max(1, ahead)));
  }

  int queued() {
    return pool.getQueue().size();
  }

  int running() {
    return running.get();
  }

  int capacity() {
    return capacity;
  }

  int workers() {
    return workers;
  }

  /** Cancels every job and stops the workers. */
  @Override
  public void close() {
    kept.values().forEach(Job::cancel);
    pool.shutdownNow();
    try {
      pool.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
