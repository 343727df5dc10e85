package dev.sscam.metrics;

import dev.sscam.SscamException;
import java.util.Arrays;

/**
 * RISE's deletion and insertion metrics (Petsiuk, Das, Saenko 2018).
 *
 * <p>Pixels are ordered by the explanation map {@code E}, most salient first; ties go to the
 * smaller pixel index {@code y·W + x} first (a stable order; RISE's numpy code breaks ties by
 * whatever its unstable argsort returns). Then, {@code step} pixels at a time:
 *
 * <ul>
 *   <li><b>deletion</b> starts from the input and sets those pixels to the baseline, 0 in the
 *       normalised input space, in all C channels;
 *   <li><b>insertion</b> starts from a {@link GaussianBlur blurred} copy of the input (kernel 11,
 *       σ 5) and puts the original pixels back.
 * </ul>
 *
 * The curve holds {@code p(c | X_k)} for k = 0..n−1 with {@code n = ceil(H·W/step) + 1}: the
 * untouched start, then after each step, ending with the fully deleted (all baseline) or fully
 * inserted (the original) input. Its normalised trapezoid area is {@link CausalCurve#auc()}.
 * Lower deletion and higher insertion AUC are better.
 *
 * <p>The perturbed inputs are built one after the other into a batch buffer of
 * {@code batchSize} inputs and scored batch by batch, so memory stays at {@code batchSize·C·H·W}
 * floats whatever the number of steps.
 */
public final class DeletionInsertion {
  /** The paper's step: 224 pixels (224 steps at 224×224). */
  public static final int DEFAULT_STEP = 224;
  /** Inputs per call to the model, by default. */
  public static final int DEFAULT_BATCH_SIZE = 16;

  private final int step;
  private final int batchSize;
  private final GaussianBlur blur;

  /** The paper's settings: step 224, batch 16, blur kernel 11 σ 5. */
  public DeletionInsertion() {
    this(DEFAULT_STEP, DEFAULT_BATCH_SIZE, new GaussianBlur());
  }

  /**
   * Custom settings.
   *
   * @param step pixels changed per step, ≥ 1
   * @param batchSize inputs per call to the model, ≥ 1
   * @param blur the blur that makes insertion's starting image
   */
  public DeletionInsertion(int step, int batchSize, GaussianBlur blur) {
    if (step < 1) {
      throw new SscamException("deletion/insertion step must be at least 1 pixel, got " + step);
    }
    if (batchSize < 1) {
      throw new SscamException("deletion/insertion batch size must be at least 1, got " + batchSize);
    }
    this.step = step;
    this.batchSize = batchSize;
    this.blur = blur;
  }

  /** Pixels changed per step. */
  public int step() {
    return step;
  }

  /** Inputs per model call. */
  public int batchSize() {
    return batchSize;
  }

  /** The number of curve points for {@code pixels} pixels: {@code ceil(pixels/step) + 1}. */
  public int curveLength(int pixels) {
    return (pixels + step - 1) / step + 1;
  }

  /**
   * The deletion curve: from {@code input}, the most salient pixels go to 0 first.
   *
   * @param model scores batches of inputs
   * @param input the preprocessed input, CHW
   * @param shape its shape
   * @param saliency the explanation map {@code E}, {@code H·W} row-major (index y·W + x)
   * @param cls the class scored
   */
  public CausalCurve deletion(ClassProbability model, float[] input, InputShape shape, float[] saliency, int cls) {
    shape.requireInput("deletion input", input);
    return curve(model, input, new float[input.length], shape, saliency, cls);
  }

  /**
   * The insertion curve: from the blurred input, the most salient original pixels come back first.
   * Arguments as {@link #deletion}.
   */
  public CausalCurve insertion(ClassProbability model, float[] input, InputShape shape, float[] saliency, int cls) {
    shape.requireInput("insertion input", input);
    return curve(model, blur.apply(input, shape), input, shape, saliency, cls);
  }

  /**
   * The general causal curve both metrics are: start from {@code start} and, in saliency order,
   * copy {@code step} pixels (all channels) at a time from {@code finish}.
   */
  public CausalCurve curve(
      ClassProbability model, float[] start, float[] finish, InputShape shape, float[] saliency, int cls) {
    shape.requireInput("causal curve start", start);
    shape.requireInput("causal curve finish", finish);
    shape.requireMap("saliency map", saliency);
    int[] order = pixelOrder(saliency);
    int pixels = shape.pixels();
    int size = shape.size();
    int n = curveLength(pixels);
    double[] curve = new double[n];
    float[] current = start.clone();
    int perBatch = Math.min(batchSize, n);
    float[] batch = new float[perBatch * size];
    int filled = 0;
    int firstOfBatch = 0;
    for (int k = 0; k < n; k++) {
      if (k > 0) {
        int from = (k - 1) * step;
        int to = Math.min(k * step, pixels);
        for (int i = from; i < to; i++) {
          int p = order[i];
          for (int c = 0; c < shape.channels(); c++) {
            current[c * pixels + p] = finish[c * pixels + p];
          }
        }
      }
      System.arraycopy(current, 0, batch, filled * size, size);
      filled++;
      if (filled == perBatch || k == n - 1) {
        score(model, batch, filled, cls, curve, firstOfBatch);
        firstOfBatch += filled;
        filled = 0;
      }
    }
    return new CausalCurve(curve, step);
  }

  private static void score(ClassProbability model, float[] batch, int count, int cls, double[] curve, int offset) {
    float[] p = model.probabilities(batch, count, cls);
    if (p == null || p.length < count) {
      throw new SscamException("the model returned " + (p == null ? "nothing" : p.length + " probabilities")
          + " for a batch of " + count + " inputs");
    }
    for (int b = 0; b < count; b++) {
      if (!Float.isFinite(p[b])) {
        throw new SscamException("the model returned a non-finite probability (" + p[b] + ") at curve point "
            + (offset + b));
      }
      curve[offset + b] = p[b];
    }
  }

  /**
   * The pixel indices {@code y·W + x} sorted by saliency, largest first; equal values keep index
   * order (smaller index first). NaN values are refused.
   */
  public static int[] pixelOrder(float[] saliency) {
    // Sort 64-bit keys: high half = descending-ordered saliency bits, low half = the index, so one
    // primitive sort gives value-descending, index-ascending order.
    long[] keys = new long[saliency.length];
    for (int i = 0; i < saliency.length; i++) {
      float v = saliency[i];
      if (Float.isNaN(v)) {
        throw new SscamException("the saliency map has NaN at pixel " + i);
      }
      if (v == 0f) {
        v = 0f; // -0.0 and 0.0 are the same saliency
      }
      int bits = Float.floatToIntBits(v);
      // map float order to signed-int order, then negate for descending
      int ordered = bits >= 0 ? bits : bits ^ 0x7fffffff;
      long descending = -(long) ordered;
      keys[i] = (descending << 32) | i;
    }
    Arrays.sort(keys);
    int[] order = new int[keys.length];
    for (int i = 0; i < keys.length; i++) {
      order[i] = (int) (keys[i] & 0xffffffffL);
    }
    return order;
  }
}
