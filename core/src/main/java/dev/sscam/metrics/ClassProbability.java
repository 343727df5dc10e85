package dev.sscam.metrics;

/**
 * The model as the metrics see it: the probability of one class for each input of a batch.
 * The evaluation implements it over its ONNX session; tests implement it with arithmetic.
 */
@FunctionalInterface
public interface ClassProbability {

  /**
   * Scores a batch.
   *
   * @param batchOfInputsCHW {@code count} preprocessed inputs, each {@code C·H·W} floats in CHW
   *     order, back to back; the array may be longer than needed (only the first {@code count}
   *     inputs are meaningful) and is reused by the caller after this returns
   * @param count how many inputs the batch holds
   * @param cls the class whose probability is wanted
   * @return {@code count} probabilities, {@code p(cls | input_b)} for b = 0..count−1
   */
  float[] probabilities(float[] batchOfInputsCHW, int count, int cls);
}
