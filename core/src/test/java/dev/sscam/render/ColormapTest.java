package dev.sscam.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * jet against matplotlib's {@code _jet_data} evaluated by hand at the LUT sample matplotlib uses:
 * v picks entry i = floor(256 v), which holds the segments at x = i / 255.
 */
class ColormapTest {

  private static void assertJet(double v, double r, double g, double b) {
    double[] c = Colormap.jetComponents(v);
    assertThat(c[0]).as("red at %s", v).isCloseTo(r, within(1e-6));
    assertThat(c[1]).as("green at %s", v).isCloseTo(g, within(1e-6));
    assertThat(c[2]).as("blue at %s", v).isCloseTo(b, within(1e-6));
  }

  @Test
  void matchesMatplotlibAtKnownPoints() {
    assertJet(0, 0, 0, 0.5);
    // i = 32, x = 32/255: green (x - .125)/.25, blue on its plateau
    assertJet(0.125, 0, 0.00196078, 1);
    // i = 96, x = .376471: red (x - .35)/.31, blue 1 - (x - .34)/.31
    assertJet(0.375, 0.08538899, 1, 0.88235294);
    // i = 128, x = .501961 (matplotlib prints (0.4902, 1.0, 0.4775))
    assertJet(0.5, 0.49019608, 1, 0.47754586);
    // i = 160, x = .627451
    assertJet(0.625, 0.89500316, 1, 0.07273877);
    // i = 224, x = .878431: green 1 - (x - .64)/.27
    assertJet(0.875, 1, 0.11692084, 0);
    assertJet(1, 0.5, 0, 0);
  }

  @Test
  void clampsOutOfRangeAndPacksBytesLikeMatplotlib() {
    assertJet(-3, 0, 0, 0.5);
    assertJet(7, 0.5, 0, 0);
    // bytes=True truncates c*255: (0, 0, 127.5 -> 127) and (127.5 -> 127, 0, 0)
    assertThat(Colormap.jet(0)).isEqualTo(127);
    assertThat(Colormap.jet(1)).isEqualTo(127 << 16);
    // 0.5: (0.4902*255 = 125.0 -> 125, 255, 0.4775*255 = 121.77 -> 121)
    assertThat(Colormap.jet(0.5)).isEqualTo((125 << 16) | (255 << 8) | 121);
  }
}
