package dev.sscam.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sscam.SscamException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The energy pointing game on a non-square 4-row × 6-column map (rows y, columns x). */
class EnergyPointingGameTest {
  static final int H = 4;
  static final int W = 6;

  /** Energy 1 at (x, y) for x in x0..x1, y in y0..y1; index y·W + x. */
  static float[] energyAt(int x0, int x1, int y0, int y1) {
    float[] e = new float[H * W];
    for (int y = y0; y <= y1; y++) {
      for (int x = x0; x <= x1; x++) {
        e[y * W + x] = 1f;
      }
    }
    return e;
  }

  static Region box(int xmin, int ymin, int xmax, int ymax) {
    return Region.ofBoxes(List.of(new PixelBox(xmin, ymin, xmax, ymax)), W, H, W, H);
  }

  @Test
  void offCentreBoxOnANonSquareMap() {
    // energy only at columns 4..5 of rows 0..1 (indices 4, 5, 10, 11): all inside box x 4..5, y 0..1
    float[] e = energyAt(4, 5, 0, 1);
    assertThat(e[4] + e[5] + e[10] + e[11]).isEqualTo(4f);
    EnergyPointingGame.Score s = EnergyPointingGame.score(e, box(4, 0, 5, 1));
    assertThat(s.value()).isEqualTo(1.0);
    assertThat(s.zeroEnergy()).isFalse();
    assertThat(s.percent()).isEqualTo(100.0);
    // the transposed box (x 0..1, y 4..5 — rows 4..5 do not exist, clamped to row 3) holds none of it
    assertThat(EnergyPointingGame.score(e, box(0, 4, 1, 5)).value()).isEqualTo(0.0);
    // half the box: columns 4..5 of row 1 only → 2 of 4 units
    assertThat(EnergyPointingGame.score(e, box(4, 1, 5, 1)).value()).isEqualTo(0.5);
  }

  @Test
  void uniformMapScoresTheBoxShare() {
    float[] uniform = new float[H * W];
    java.util.Arrays.fill(uniform, 0.3f);
    Region r = box(4, 0, 5, 1);
    // 2 × 2 = 4 of 24 pixels
    assertThat(r.pixelCount()).isEqualTo(4);
    assertThat(r.areaShare()).isCloseTo(4 / 24.0, within(1e-12));
    assertThat(EnergyPointingGame.score(uniform, r).value()).isCloseTo(4 / 24.0, within(1e-9));
  }

  @Test
  void unionOfBoxesCountsOverlapOnce() {
    // boxes x 0..2 y 0..0 (3 px) and x 2..3 y 0..1 (4 px) overlap at (2,0): union = 6 px
    Region r = Region.ofBoxes(List.of(new PixelBox(0, 0, 2, 0), new PixelBox(2, 0, 3, 1)), W, H, W, H);
    assertThat(r.pixelCount()).isEqualTo(6);
    assertThat(Region.ofBoxes(List.of(), W, H, W, H).pixelCount()).isZero();
  }

  @Test
  void boxesScaleFromTheImageToTheInput() {
    // a 12×8 image onto the 6×4 input: x 8..11 → floor(8·6/12) = 4 .. ceil(12·6/12) − 1 = 5;
    // y 0..3 → 0 .. ceil(4·4/8) − 1 = 1
    Region down = Region.ofBoxes(List.of(new PixelBox(8, 0, 11, 3)), 12, 8, W, H);
    assertThat(down.pixelCount()).isEqualTo(4);
    assertThat(down.contains(4, 0) && down.contains(5, 1)).isTrue();
    // the full image stays full
    assertThat(Region.ofBoxes(List.of(new PixelBox(0, 0, 11, 7)), 12, 8, W, H).areaShare()).isEqualTo(1.0);
    assertThat(Region.ofBoxes(List.of(new PixelBox(0, 0, 224, 999)), 225, 1000, 224, 224).areaShare()).isEqualTo(1.0);
    // a 3×2 image onto 6×4: the single pixel (2, 0) covers columns 4..5 and rows 0..1
    Region up = Region.ofBoxes(List.of(new PixelBox(2, 0, 2, 0)), 3, 2, W, H);
    assertThat(up.pixelCount()).isEqualTo(4);
    assertThat(up.contains(4, 0) && up.contains(5, 0) && up.contains(4, 1) && up.contains(5, 1)).isTrue();
    // 7 wide onto 6: pixel 3 covers [3, 4)·6/7 = [2.57, 3.43) → columns floor(18/7) = 2 .. ceil(24/7) − 1 = 3
    Region odd = Region.ofBoxes(List.of(new PixelBox(3, 0, 3, 3)), 7, 4, W, H);
    assertThat(odd.contains(2, 0) && odd.contains(3, 0)).isTrue();
    assertThat(odd.pixelCount()).isEqualTo(2 * 4);
    // a box ending past the image (xmax = w) is clamped, not refused
    assertThat(Region.ofBoxes(List.of(new PixelBox(3, 0, 6, 3)), 6, 4, W, H).pixelCount()).isEqualTo(3 * 4);
  }

  @Test
  void maskResizedByNearestNeighbour() {
    // a 2×2 mask with only its top-left pixel set, onto 6×4: x → floor((x + ½)·2/6): x 0..2 → 0;
    // y → floor((y + ½)·2/4): y 0..1 → 0. Region = x 0..2, y 0..1 = 6 pixels = 25%.
    Region r = Region.ofMask(new boolean[] {true, false, false, false}, 2, 2, W, H);
    assertThat(r.pixelCount()).isEqualTo(6);
    assertThat(r.contains(2, 1)).isTrue();
    assertThat(r.contains(3, 0)).isFalse();
    assertThat(r.contains(0, 2)).isFalse();
    float[] uniform = new float[H * W];
    java.util.Arrays.fill(uniform, 1f);
    assertThat(EnergyPointingGame.score(uniform, r).value()).isCloseTo(0.25, within(1e-12));
    assertThatThrownBy(() -> Region.ofMask(new boolean[3], 2, 2, W, H)).isInstanceOf(SscamException.class);
  }

  @Test
  void zeroEnergyScoresZeroAndIsFlagged() {
    EnergyPointingGame.Score s = EnergyPointingGame.score(new float[H * W], box(4, 0, 5, 1));
    assertThat(s.value()).isEqualTo(0.0);
    assertThat(s.zeroEnergy()).isTrue();
  }

  @Test
  void refusesNegativeNanAndMismatchedMaps() {
    float[] e = energyAt(4, 5, 0, 1);
    e[0] = -0.1f;
    assertThatThrownBy(() -> EnergyPointingGame.score(e, box(4, 0, 5, 1)))
        .isInstanceOf(SscamException.class).hasMessageContaining("at pixel 0");
    e[0] = Float.NaN;
    assertThatThrownBy(() -> EnergyPointingGame.score(e, box(4, 0, 5, 1))).isInstanceOf(SscamException.class);
    assertThatThrownBy(() -> EnergyPointingGame.score(new float[W * W], box(4, 0, 5, 1)))
        .isInstanceOf(SscamException.class).hasMessageContaining("4x6");
    assertThatThrownBy(() -> new PixelBox(5, 0, 4, 1)).isInstanceOf(SscamException.class);
  }
}
