package dev.sscam.cam;

import dev.sscam.Progress;
import dev.sscam.SscamException;
import dev.sscam.model.OnnxClassifier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The batched engine behind every score-based method and metric: scores {@code count} inputs that
 * are built on demand, {@code batchSize} at a time, so memory holds two batches whatever the count
 * (Score-CAM's K inputs, SS-CAM's N·K). The next batch is built on a second thread while the model
 * runs the current one.
 */
public final class MaskedScoring {
  /** Builds input {@code index} (3×H×W floats) into {@code dst} at {@code offset}. */
  @FunctionalInterface
  public interface InputBuilder {
    void build(int index, float[] dst, int offset);
  }

  private final OnnxClassifier model;
  private final int batchSize;

  /** A scorer over {@code model} at {@code batchSize} images per forward pass. */
  public MaskedScoring(OnnxClassifier model, int batchSize) {
    if (batchSize < 1) {
      throw new SscamException("batch size must be at least 1, got " + batchSize);
    }
    this.model = model;
    this.batchSize = batchSize;
  }

  /**
   * {@code s_c} of each of {@code count} inputs, in index order.
   *
   * @param progress told after each batch (units: inputs scored)
   */
  public double[] scores(int count, InputBuilder builder, int classIndex, Score score, Progress progress) {
    float[][] logits = logits(count, builder, progress);
    double[] out = new double[count];
    for (int i = 0; i < count; i++) {
      out[i] = score.of(logits[i], classIndex);
    }
    return out;
  }

  /** Logits of each of {@code count} inputs, in index order. */
  public float[][] logits(int count, InputBuilder builder, Progress progress) {
    int per = model.imageSize();
    int cap = Math.min(batchSize, Math.max(count, 1));
    float[][] buffers = {new float[cap * per], new float[cap * per]};
    float[][] out = new float[count][];
    if (count == 0) {
      return out;
    }
    ExecutorService maker = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "sscam-mask-builder");
      t.setDaemon(true);
      return t;
    });
    try {
      Future<?> next = maker.submit(() -> fill(builder, buffers[0], 0, Math.min(cap, count), per));
      int batch = 0;
      for (int start = 0; start < count; start += cap, batch++) {
        int n = Math.min(cap, count - start);
        next.get();
        float[] current = buffers[batch % 2];
        int nextStart = start + cap;
        if (nextStart < count) {
          float[] other = buffers[(batch + 1) % 2];
          int nn = Math.min(cap, count - nextStart);
          next = maker.submit(() -> fill(builder, other, nextStart, nn, per));
        }
        float[][] z = model.logits(current, n);
        System.arraycopy(z, 0, out, start, n);
        progress.advance(start + n, count);
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SscamException("interrupted", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new SscamException("building masked inputs failed: " + c, c);
    } finally {
      maker.shutdownNow();
    }
  }

  private static void fill(InputBuilder builder, float[] dst, int start, int n, int per) {
    for (int i = 0; i < n; i++) {
      builder.build(start + i, dst, i * per);
    }
  }
}
