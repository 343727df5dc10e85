package dev.sscam.metrics;

import dev.sscam.SscamException;

/**
 * The energy-based pointing game (Score-CAM, Wang et al. 2020): the share of the explanation map's
 * energy that falls on the object.
 *
 * <pre>  score = Σ_{(x,y) ∈ region} E(y, x) / Σ_{(x,y)} E(y, x)  </pre>
 *
 * The region is the union of the target class's boxes ({@link Region#ofBoxes}) or the object's
 * mask ({@link Region#ofMask}). The map is row-major, {@code E[y·W + x]}: rows are y, columns x
 * (the original Score-CAM code swaps them). A uniform map scores the region's
 * {@link Region#areaShare() area share}.
 *
 * <p>A map with no energy at all (every value 0) has no share to measure: it scores 0 and is
 * flagged {@link Score#zeroEnergy()}, so a report can count such maps rather than average a NaN.
 */
public final class EnergyPointingGame {
  private EnergyPointingGame() {}

  /**
   * One map's score.
   *
   * @param value the energy share in [0, 1] (0 for a zero-energy map)
   * @param zeroEnergy whether the map had no energy at all
   */
  public record Score(double value, boolean zeroEnergy) {
    /** {@link #value()} in %. */
    public double percent() {
      return 100 * value;
    }
  }

  /**
   * Scores a map against a region of the same size.
   *
   * @param energy the explanation map {@code E}, {@code H·W} values ≥ 0, row-major
   * @param region where the object is, {@code H×W}
   */
  public static Score score(float[] energy, Region region) {
    int pixels = region.width() * region.height();
    if (energy.length != pixels) {
      throw new SscamException("pointing game: the map has " + energy.length + " values but the region is "
          + region.height() + "x" + region.width() + " = " + pixels);
    }
    double total = 0;
    double inside = 0;
    for (int i = 0; i < pixels; i++) {
      float e = energy[i];
      if (!(e >= 0) || Float.isInfinite(e)) {
        throw new SscamException("pointing game: the map has " + e + " at pixel " + i
            + "; energy must be finite and non-negative (use E = s(U(ReLU(L))))");
      }
      total += e;
      if (region.containsIndex(i)) {
        inside += e;
      }
    }
    if (total == 0) {
      return new Score(0, true);
    }
    return new Score(inside / total, false);
  }
}
