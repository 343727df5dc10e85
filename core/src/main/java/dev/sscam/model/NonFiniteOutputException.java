package dev.sscam.model;

import dev.sscam.SscamException;
import java.util.function.Supplier;

/**
 * The model produced NaN or ±Inf (in its logits, a layer's activations or the gradients at a
 * layer): broken or overflowing weights. sscam refuses to turn such numbers into a table, a title
 * or a map. The classifier knows only the image's position in the batch it was given; callers
 * that know the image's name re-throw with it ({@link #naming}), giving
 * {@code the model's output for IMAGE contains NaN (logits): check the model's weights}.
 */
public final class NonFiniteOutputException extends SscamException {
  private static final long serialVersionUID = 1L;

  private final int index;
  private final String what;
  private final String value;

  private NonFiniteOutputException(String image, int index, String what, String value) {
    super("the model's output for " + image + " contains " + value + " (" + what + "): check the model's weights");
    this.index = index;
    this.what = what;
    this.value = value;
  }

  /** Image {@code index} (0-based) of a call over {@code n} images produced {@code value} in {@code what}. */
  static NonFiniteOutputException at(int index, int n, String what, float value) {
    String image = n == 1 ? "the image" : "image " + (index + 1) + " of " + n;
    return new NonFiniteOutputException(image, index, what, text(value));
  }

  /** The position (0-based) of the offending image in the batch the model was given. */
  public int index() {
    return index;
  }

  /** The same error, naming the image. */
  public NonFiniteOutputException forImage(String image) {
    return new NonFiniteOutputException(image, index, what, value);
  }

  /** Runs {@code work}; a non-finite model output inside it is re-thrown naming {@code image}. */
  public static <T> T naming(String image, Supplier<T> work) {
    try {
      return work.get();
    } catch (NonFiniteOutputException e) {
      throw e.forImage(image);
    }
  }

  /** Throws when {@code values}, computed from one image, hold NaN or ±Inf. */
  public static void requireFinite(float[] values, String what) {
    requireFinite(values, Math.max(1, values.length), 0, 1, what);
  }

  /**
   * Throws when {@code values} (images of {@code per} values each, the first being image
   * {@code first} of {@code n}) holds NaN or ±Inf.
   */
  static void requireFinite(float[] values, int per, int first, int n, String what) {
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        throw at(first + i / per, n, what, values[i]);
      }
    }
  }

  private static String text(float v) {
    return Float.isNaN(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf";
  }
}
