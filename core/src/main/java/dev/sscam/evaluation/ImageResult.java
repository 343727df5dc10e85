package dev.sscam.evaluation;

/**
 * One image × method of the evaluation (PAPER.md, Metrics); one line of {@code results.jsonl}.
 * Serializable, so that a distributed run (module {@code spark}) ships it from where it was computed.
 *
 * @param image the image id
 * @param cls class c explained (the model's top-1 on X0)
 * @param label the ground-truth label, −1 when unknown
 * @param method the method id
 * @param y {@code Y = s_c(X0)}, the probability of c on the image
 * @param o {@code O = s_c(X0 ∘ E)}, the probability of c on the image masked by its explanation
 * @param drop {@code 100·max(0, Y − O)/Y}
 * @param increase {@code 1[Y < O]} (0 or 1)
 * @param deletionAuc deletion AUC in %
 * @param insertionAuc insertion AUC in %
 * @param energy energy pointing game in %, {@code Σ_bbox E / Σ E}; null without boxes
 * @param boxShare share of the input covered by the boxes, in %; null without boxes
 * @param maskEnergy energy pointing game over the object mask, in %; null without a mask
 * @param emptyMap whether E is 0 everywhere (no explanation at all: its pointing game scores 0 and
 *     {@code X0 ∘ E} is the zero input); null in logs written before sscam recorded it
 * @param seconds wall time of this image × method
 * @param deletion the deletion curve (probability of c after each step)
 * @param insertion the insertion curve
 */
public record ImageResult(
    String image,
    int cls,
    int label,
    String method,
    double y,
    double o,
    double drop,
    int increase,
    double deletionAuc,
    double insertionAuc,
    Double energy,
    Double boxShare,
    Double maskEnergy,
    Boolean emptyMap,
    double seconds,
    double[] deletion,
    double[] insertion) implements java.io.Serializable {

  /** The resume key: image and method. */
  public String key() {
    return key(image, method);
  }

  /** The resume key of an image and a method. */
  public static String key(String image, String method) {
    return image + "\u0000" + method;
  }
}
