package dev.sscam.serve;

import dev.sscam.Cancellation;
import dev.sscam.ModelUnsupportedException;
import dev.sscam.SscamException;
import dev.sscam.cam.SaliencyMap;
import dev.sscam.model.NonFiniteOutputException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One request's work: the prediction of its image, then its maps one after another, with the progress
 * of the map being computed (passes done of the total) and its cancellation. Queued, then run by one
 * worker; any thread may read its state or cancel it. The time limit starts when a worker takes it, so
 * waiting in the queue does not count against it; past it the map in progress stops at its next batch,
 * the job fails with 504 and the tensors it held become garbage.
 */
final class Job implements Runnable {
  /** Where a job is. */
  enum State { QUEUED, RUNNING, DONE, FAILED, CANCELLED }

  private static final SecureRandom IDS = new SecureRandom();

  private final String id;
  private final MapPlan plan;
  private ImageSource source;
  private final Duration timeLimit;
  private final ServerMetrics metrics;
  private final long acceptedNanos = System.nanoTime();
  private final AtomicLongArray done;
  private final AtomicLongArray total;
  private final long[] mapStartNanos;
  private final SaliencyMap[] results;
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile State state = State.QUEUED;
  private volatile DecodedImage image;
  private volatile float[] logits;
  private volatile int current = -1;
  private volatile ApiError error;
  private volatile Cancellation cancellation;
  private volatile boolean cancelRequested;
  private volatile long finishedAtMillis;

  /** Where a job's image comes from: decoded by the worker, so that the queue also bounds decoding's memory. */
  @FunctionalInterface
  interface ImageSource {
    /** The decoded image (an {@link ApiError} 400 or 413 when it is none). */
    DecodedImage decode();
  }

  Job(MapPlan plan, ImageSource source, Duration timeLimit, ServerMetrics metrics) {
    byte[] b = new byte[16];
    IDS.nextBytes(b);
    this.id = HexFormat.of().formatHex(b);
    this.plan = plan;
    this.source = source;
    this.timeLimit = timeLimit;
    this.metrics = metrics;
    int n = plan.maps().size();
    this.done = new AtomicLongArray(n);
    this.total = new AtomicLongArray(n);
    this.mapStartNanos = new long[n];
    this.results = new SaliencyMap[n];
  }

  @Override
  public void run() {
    synchronized (this) {
      if (cancelRequested) {
        finish(State.CANCELLED, new ApiError(409, "cancelled before it started"));
        return;
      }
      cancellation = Cancellation.within(timeLimit);
      state = State.RUNNING;
    }
    try {
      ServedModel model = plan.model();
      image = source.decode();
      source = null; // the upload's bytes are garbage from here on
      logits = model.classifier().logits(image.tensor(), 1)[0];
      for (int i = 0; i < plan.maps().size(); i++) {
        MapPlan.MapSpec spec = plan.maps().get(i);
        int k = i;
        current = i;
        mapStartNanos[i] = System.nanoTime();
        results[i] = model.explainer().explain(image.tensor(), spec.method(), spec.options(), (d, t) -> {
          done.set(k, d);
          total.set(k, t);
        }, cancellation);
        metrics.map(spec.method().id());
      }
      finish(State.DONE, null);
    } catch (Cancellation.Cancelled e) {
      finish(e.timedOut() ? State.FAILED : State.CANCELLED,
          new ApiError(e.timedOut() ? 504 : 409, e.timedOut() ? e.getMessage()
              + "; ask for fewer or cheaper maps (fast mode, a smaller N)" : e.getMessage()));
    } catch (ApiError e) {
      finish(State.FAILED, e);
    } catch (NonFiniteOutputException | ModelUnsupportedException e) {
      finish(State.FAILED, ApiError.unprocessable(e.getMessage()));
    } catch (SscamException e) {
      finish(State.FAILED, ApiError.unprocessable(e.getMessage()));
    } catch (RuntimeException | OutOfMemoryError e) {
      // The client gets one line; the operator gets the trace on stderr.
      e.printStackTrace();
      finish(State.FAILED, new ApiError(500, "internal error (" + e.getClass().getSimpleName() + "); see the server's log"));
    }
  }

  private synchronized void finish(State s, ApiError e) {
    error = e;
    // What the maps were computed from is no longer needed (the picture stays for downloads).
    image = image == null ? null : new DecodedImage(image.picture(), null);
    state = s;
    current = -1;
    finishedAtMillis = System.currentTimeMillis();
    metrics.latency((System.nanoTime() - acceptedNanos) / 1e9);
    finished.countDown();
  }

  /** Asks the job to stop: at once when queued, at the next batch when running. */
  synchronized void cancel() {
    cancelRequested = true;
    if (cancellation != null) {
      cancellation.cancel("cancelled");
    }
  }

  /** Waits until the job has finished, at most {@code limit}; whether it has. */
  boolean await(Duration limit) throws InterruptedException {
    return finished.await(limit.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Stops the job on the worker's side when nothing will ever run it (the queue refused it, or shut down). */
  void abandon(ApiError why) {
    synchronized (this) {
      cancelRequested = true;
      if (state == State.QUEUED) {
        error = why;
        state = State.FAILED;
        finishedAtMillis = System.currentTimeMillis();
        finished.countDown();
      }
    }
  }

  String id() {
    return id;
  }

  MapPlan plan() {
    return plan;
  }

  /** The decoded image, null until the worker has decoded it. */
  DecodedImage image() {
    return image;
  }

  State state() {
    return state;
  }

  boolean isFinished() {
    return finished.getCount() == 0;
  }

  /** The time the job finished (epoch millis), 0 while it has not. */
  long finishedAtMillis() {
    return finishedAtMillis;
  }

  /** The image's logits, once the job has computed them (null before). */
  float[] logits() {
    return logits;
  }

  /** Map {@code i}, or null while it is not computed. */
  SaliencyMap result(int i) {
    return results[i];
  }

  /** The error of a failed or cancelled job, else null. */
  ApiError error() {
    return error;
  }

  /** The index of the map being computed, -1 when none is. */
  int current() {
    return current;
  }

  /** Passes done of map {@code i} (as its progress last reported). */
  long done(int i) {
    return done.get(i);
  }

  /** Passes expected of map {@code i} (0 while it reported none: gradient methods report none). */
  long total(int i) {
    return total.get(i);
  }

  /** Seconds map {@code i} has been computing. */
  double elapsed(int i) {
    return mapStartNanos[i] == 0 ? 0 : (System.nanoTime() - mapStartNanos[i]) / 1e9;
  }
}
