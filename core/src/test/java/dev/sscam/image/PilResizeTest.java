package dev.sscam.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Hand-computed cases of Pillow's bilinear resampling (Resample.c), one axis at a time. */
class PilResizeTest {

  private static int[] gray(int... v) {
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (v[i] << 16) | (v[i] << 8) | v[i];
    }
    return out;
  }

  private static int[] red(int[] packed) {
    int[] out = new int[packed.length];
    for (int i = 0; i < packed.length; i++) {
      out[i] = (packed[i] >> 16) & 0xFF;
    }
    return out;
  }

  @Test
  void downscaleFourToTwoUsesStretchedTriangleWindows() {
    // scale = 2, support = 2. Output 0: centre 1.0, window [0, 3): t((x - 0.5)/2) = .75 .75 .25
    // -> 3/7 3/7 1/7. Output 1: centre 3.0, window [1, 4): .25 .75 .75 -> 1/7 3/7 3/7.
    PilResize.Coefficients c = PilResize.Coefficients.of(4, 2);
    assertThat(c.min).containsExactly(0, 1);
    assertThat(c.count).containsExactly(3, 3);
    // round(3/7 * 2^22) = 1797559, round(1/7 * 2^22) = 599186
    assertThat(new int[] {c.k[0], c.k[1], c.k[2]}).containsExactly(1797559, 1797559, 599186);
    assertThat(new int[] {c.k[5], c.k[6], c.k[7]}).containsExactly(599186, 1797559, 1797559);

    // (3*10 + 3*20 + 1*30)/7 = 17.14 -> 17; (1*20 + 3*30 + 3*250)/7 = 122.86 -> 123
    int[] out = PilResize.bilinear(gray(10, 20, 30, 250), 4, 1, 2, 1);
    assertThat(red(out)).containsExactly(17, 123);
  }

  @Test
  void upscaleTwoByTwoToFourByFour() {
    // Upscaling: support 1, centres 0.25 0.75 1.25 1.75 give weights
    // [1 | .75 .25 | .25 .75 | 1] along each axis.
    // Rows after the horizontal pass: [0 25 75 100] and [200 160 80 40]; then columns.
    int[] out = PilResize.bilinear(gray(0, 100, 200, 40), 2, 2, 4, 4);
    assertThat(red(out)).containsExactly(
        0, 25, 75, 100,
        50, 59, 76, 85, // .75*row0 + .25*row1: 50, 58.75, 76.25, 85
        150, 126, 79, 55, // .25*row0 + .75*row1: 150, 126.25, 78.75, 55
        200, 160, 80, 40);
  }

  @Test
  void intermediateResultIsRoundedToUint8() {
    // 3 -> 2 horizontally, then 1 -> 1 vertically (skipped): scale 1.5, support 1.5.
    // Output 0: centre .75, window [0, 2): t(-.25/1.5)=.8333, t(.75/1.5)=.5 -> .625 .375.
    // (.625*1 + .375*2) = 1.375 -> 1.
    int[] out = PilResize.bilinear(gray(1, 2, 200), 3, 1, 2, 1);
    assertThat(red(out)[0]).isEqualTo(1);
  }

  @Test
  void sameSizeLeavesPixelsUntouched() {
    Random rnd = new Random(7);
    int[] in = new int[13 * 9];
    for (int i = 0; i < in.length; i++) {
      in[i] = rnd.nextInt(1 << 24);
    }
    assertThat(PilResize.bilinear(in, 13, 9, 13, 9)).containsExactly(in);
  }

  @Test
  void onlyTheChangedAxisIsResampled() {
    // 4x2 -> 2x2: each row resampled on its own, rows never mixed.
    int[] in = gray(10, 20, 30, 250, 250, 30, 20, 10);
    int[] out = red(PilResize.bilinear(in, 4, 2, 2, 2));
    assertThat(out).containsExactly(17, 123, 123, 17);
    // 1x4 -> 1x2: the same numbers down a column.
    int[] col = red(PilResize.bilinear(gray(10, 20, 30, 250), 1, 4, 1, 2));
    assertThat(col).containsExactly(17, 123);
  }

  @Test
  void channelsAreIndependent() {
    int[] in = {0x0A00FF, 0x1400FF, 0x1E00FF, 0xFA00FF};
    int[] out = PilResize.bilinear(in, 4, 1, 2, 1);
    assertThat(out).containsExactly((17 << 16) | 0xFF, (123 << 16) | 0xFF);
  }
}
