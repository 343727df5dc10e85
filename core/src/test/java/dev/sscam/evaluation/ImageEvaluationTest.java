package dev.sscam.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ImageEvaluationTest {
  @Test
  void maskingMultipliesEveryChannelByTheMap() {
    float[] x = {1, 2, 3, 4, 5, 6};  // 3 channels × 2 pixels
    float[] e = {0.5f, 0};
    assertThat(ImageEvaluation.masked(x, e)).containsExactly(0.5f, 0, 1.5f, 0, 2.5f, 0);
  }
}
