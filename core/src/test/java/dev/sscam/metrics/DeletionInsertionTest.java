package dev.sscam.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sscam.SscamException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Deletion and insertion on a 4×4 image with a fake model whose "probability" is the mean of
 * channel 0, so every curve point is a hand sum.
 */
class DeletionInsertionTest {
  static final InputShape SHAPE = new InputShape(2, 4, 4);

  // Saliency, row-major (index y·4 + x):
  //   0.1  0.9  0.9  0.2
  //   0.5  0.5  0.3  0.0
  //   0.8  0.7  0.6  0.4
  //   0.0  1.0  0.25 0.15
  // Descending with ties by index: 13, 1, 2, 8 | 9, 10, 4, 5 | 11, 6, 14, 3 | 15, 0, 7, 12
  static final float[] SALIENCY = {
    0.1f, 0.9f, 0.9f, 0.2f,
    0.5f, 0.5f, 0.3f, 0.0f,
    0.8f, 0.7f, 0.6f, 0.4f,
    0.0f, 1.0f, 0.25f, 0.15f};

  /** Channel 0: pixel p holds (p+1)/16, so the mean of channel 0 is (sum of kept p+1)/256. Channel 1: 0.75. */
  static float[] input() {
    float[] x = new float[SHAPE.size()];
    for (int p = 0; p < 16; p++) {
      x[p] = (p + 1) / 16f;
      x[16 + p] = 0.75f;
    }
    return x;
  }

  /** p = mean of channel `channel` of each input; records batch sizes. */
  static final class ChannelMean implements ClassProbability {
    final int channel;
    final List<Integer> counts = new ArrayList<>();
    final List<float[]> seen = new ArrayList<>();

    ChannelMean(int channel) {
      this.channel = channel;
    }

    @Override
    public float[] probabilities(float[] batch, int count, int cls) {
      assertThat(cls).isEqualTo(7);
      counts.add(count);
      float[] p = new float[count];
      for (int b = 0; b < count; b++) {
        double s = 0;
        for (int i = 0; i < 16; i++) {
          s += batch[b * SHAPE.size() + channel * 16 + i];
        }
        p[b] = (float) (s / 16);
        float[] copy = new float[SHAPE.size()];
        System.arraycopy(batch, b * SHAPE.size(), copy, 0, SHAPE.size());
        seen.add(copy);
      }
      return p;
    }
  }

  @Test
  void pixelOrderIsDescendingWithIndexTieBreak() {
    assertThat(DeletionInsertion.pixelOrder(SALIENCY))
        .containsExactly(13, 1, 2, 8, 9, 10, 4, 5, 11, 6, 14, 3, 15, 0, 7, 12);
    // -0.0 ties with 0.0; negatives and infinities sort by value
    assertThat(DeletionInsertion.pixelOrder(new float[] {-0.0f, 0.0f, -1f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}))
        .containsExactly(3, 0, 1, 2, 4);
    assertThatThrownBy(() -> DeletionInsertion.pixelOrder(new float[] {0f, Float.NaN}))
        .isInstanceOf(SscamException.class).hasMessageContaining("NaN at pixel 1");
  }

  @Test
  void deletionCurveByHand() {
    // step 4 → n = 16/4 + 1 = 5 points. Channel-0 sums (×1/16 each value, then /16 for the mean):
    // start 1+..+16 = 136; delete 13,1,2,8 (values 14+2+3+9 = 28) → 108;
    // delete 9,10,4,5 (10+11+5+6 = 32) → 76; delete 11,6,14,3 (12+7+15+4 = 38) → 38;
    // delete 15,0,7,12 (16+1+8+13 = 38) → 0.
    ChannelMean model = new ChannelMean(0);
    CausalCurve c = new DeletionInsertion(4, 16, new GaussianBlur()).deletion(model, input(), SHAPE, SALIENCY, 7);
    assertThat(c.probabilities()).containsExactly(
        new double[] {136 / 256.0, 108 / 256.0, 76 / 256.0, 38 / 256.0, 0}, within(1e-7));
    // AUC = (Σ − (first + last)/2) / (n − 1) = (358 − 68) / 4 / 256 = 290/1024
    assertThat(c.auc()).isCloseTo(290 / 1024.0, within(1e-7));
    assertThat(c.aucPercent()).isCloseTo(29000 / 1024.0, within(1e-5));
  }

  @Test
  void deletionZeroesEveryChannel() {
    // channel 1 is 0.75 everywhere: 16, 12, 8, 4, 0 pixels left → 0.75·(1, 3/4, 1/2, 1/4, 0)
    ChannelMean model = new ChannelMean(1);
    CausalCurve c = new DeletionInsertion(4, 16, new GaussianBlur()).deletion(model, input(), SHAPE, SALIENCY, 7);
    assertThat(c.probabilities()).containsExactly(new double[] {0.75, 0.5625, 0.375, 0.1875, 0}, within(1e-7));
    // after step 1 exactly pixels 13, 1, 2, 8 are 0 in both channels
    float[] afterOne = model.seen.get(1);
    for (int p = 0; p < 16; p++) {
      boolean deleted = p == 13 || p == 1 || p == 2 || p == 8;
      assertThat(afterOne[p] == 0f).as("channel 0 pixel " + p).isEqualTo(deleted);
      assertThat(afterOne[16 + p] == 0f).as("channel 1 pixel " + p).isEqualTo(deleted);
    }
  }

  @Test
  void stepThatDoesNotDivideThePixelCount() {
    // step 5 → n = ceil(16/5) + 1 = 5; removes 13,1,2,8,9 (14+2+3+9+10 = 38) → 98;
    // 10,4,5,11,6 (11+5+6+12+7 = 41) → 57; 14,3,15,0,7 (15+4+16+1+8 = 44) → 13; 12 (13) → 0
    DeletionInsertion di = new DeletionInsertion(5, 16, new GaussianBlur());
    assertThat(di.curveLength(16)).isEqualTo(5);
    CausalCurve c = di.deletion(new ChannelMean(0), input(), SHAPE, SALIENCY, 7);
    assertThat(c.probabilities()).containsExactly(
        new double[] {136 / 256.0, 98 / 256.0, 57 / 256.0, 13 / 256.0, 0}, within(1e-7));
    assertThat(new DeletionInsertion().curveLength(224 * 224)).isEqualTo(225);
  }

  @Test
  void insertionFromAGivenStartByHand() {
    // start: channel 0 = 4/16 everywhere (sum 64); each step puts back 4 pixels (losing 4·4 = 16) and
    // restores their values: +28 → 76, +32 → 92, +38 → 114, +38 → 136
    float[] start = new float[SHAPE.size()];
    java.util.Arrays.fill(start, 4 / 16f);
    CausalCurve c = new DeletionInsertion(4, 16, new GaussianBlur())
        .curve(new ChannelMean(0), start, input(), SHAPE, SALIENCY, 7);
    assertThat(c.probabilities()).containsExactly(
        new double[] {64 / 256.0, 76 / 256.0, 92 / 256.0, 114 / 256.0, 136 / 256.0}, within(1e-7));
    // (482 − (64 + 136)/2) / 4 / 256 = 382/1024
    assertThat(c.auc()).isCloseTo(382 / 1024.0, within(1e-7));
  }

  @Test
  void insertionStartsBlurredAndEndsAtTheOriginal() {
    ChannelMean model = new ChannelMean(0);
    CausalCurve c = new DeletionInsertion(4, 16, new GaussianBlur()).insertion(model, input(), SHAPE, SALIENCY, 7);
    assertThat(c.length()).isEqualTo(5);
    assertThat(c.probabilities()[4]).isCloseTo(136 / 256.0, within(1e-7));
    // the start is the blurred image: the ramp is smoothed, so pixel 0 (1/16) rises and 15 (1) falls
    float[] first = model.seen.get(0);
    assertThat(first[0]).isGreaterThan(1 / 16f);
    assertThat(first[15]).isLessThan(1f);
    // a constant image blurs to itself: flat curve at 0.75 (channel 1), AUC 0.75
    CausalCurve flat = new DeletionInsertion(4, 16, new GaussianBlur())
        .insertion(new ChannelMean(1), input(), SHAPE, SALIENCY, 7);
    assertThat(flat.probabilities()).containsExactly(new double[] {0.75, 0.75, 0.75, 0.75, 0.75}, within(1e-6));
  }

  @Test
  void batchSizeChangesNothingButTheCalls() {
    for (int batch : new int[] {1, 2, 3, 5, 64}) {
      ChannelMean model = new ChannelMean(0);
      CausalCurve c = new DeletionInsertion(4, batch, new GaussianBlur()).deletion(model, input(), SHAPE, SALIENCY, 7);
      assertThat(c.probabilities()).containsExactly(
          new double[] {136 / 256.0, 108 / 256.0, 76 / 256.0, 38 / 256.0, 0}, within(1e-7));
      assertThat(model.counts).as("batch " + batch).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(batch));
      assertThat(model.counts.size()).as("calls for batch " + batch).isEqualTo((5 + batch - 1) / batch);
      assertThat(model.counts.stream().mapToInt(Integer::intValue).sum()).isEqualTo(5);
    }
  }

  @Test
  void refusesBadInputAndBadModels() {
    DeletionInsertion di = new DeletionInsertion(4, 2, new GaussianBlur());
    assertThatThrownBy(() -> di.deletion(new ChannelMean(0), new float[5], SHAPE, SALIENCY, 7))
        .isInstanceOf(SscamException.class).hasMessageContaining("2x4x4");
    assertThatThrownBy(() -> di.deletion(new ChannelMean(0), input(), SHAPE, new float[15], 7))
        .isInstanceOf(SscamException.class).hasMessageContaining("saliency map");
    assertThatThrownBy(() -> di.deletion((b, n, c) -> new float[n - 1], input(), SHAPE, SALIENCY, 7))
        .isInstanceOf(SscamException.class).hasMessageContaining("for a batch of 2");
    assertThatThrownBy(() -> di.deletion((b, n, c) -> new float[] {Float.NaN, 0}, input(), SHAPE, SALIENCY, 7))
        .isInstanceOf(SscamException.class).hasMessageContaining("non-finite");
    assertThatThrownBy(() -> new DeletionInsertion(0, 1, new GaussianBlur())).isInstanceOf(SscamException.class);
    assertThatThrownBy(() -> new DeletionInsertion(1, 0, new GaussianBlur())).isInstanceOf(SscamException.class);
  }
}
