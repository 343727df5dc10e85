package dev.sscam.metrics;

import dev.sscam.SscamException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Win % of method A over method B (the SS-CAM paper): the share of images where A's confidence
 * drop is strictly smaller than B's.
 *
 * <pre>
 *   win_i(A, B) = 100 · 1[(Y_i − O_i^A) &lt; (Y_i − O_i^B)]          Win %(A, B) = (1/N) Σ_i win_i
 * </pre>
 *
 * The drop here is the raw difference {@code Y − O} (not clipped at zero as in Average Drop), so
 * a method that raises the score more also wins. A tie is a win for neither, so
 * {@code Win(A,B) + Win(B,A) ≤ 100} and the diagonal of the {@link #matrix} is 0.
 */
public final class WinRate {
  private final List<String> methods;
  private final double[][] percent;

  private WinRate(List<String> methods, double[][] percent) {
    this.methods = methods;
    this.percent = percent;
  }

  /** The per-image indicators {@code win_i(A, B)}, each 0 or 100; for the bootstrap. */
  public static double[] perImage(double[] y, double[] maskedA, double[] maskedB) {
    ConfidenceScores.requirePaired("win rate", y, maskedA);
    ConfidenceScores.requirePaired("win rate", y, maskedB);
    double[] win = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      win[i] = (y[i] - maskedA[i]) < (y[i] - maskedB[i]) ? 100.0 : 0.0;
    }
    return win;
  }

  /** Win % of A over B = mean of {@link #perImage}. */
  public static double of(double[] y, double[] maskedA, double[] maskedB) {
    return ConfidenceScores.mean(perImage(y, maskedA, maskedB));
  }

  /**
   * The full method × method matrix: entry (a, b) is Win %(a over b).
   *
   * @param y the original scores {@code Y_i}, shared by every method
   * @param maskedScores per method name (in the order wanted for rows and columns), its {@code O_i}
   */
  public static WinRate matrix(double[] y, Map<String, double[]> maskedScores) {
    if (maskedScores.isEmpty()) {
      throw new SscamException("win rate: no methods");
    }
    List<String> names = new ArrayList<>(maskedScores.keySet());
    double[][] pct = new double[names.size()][names.size()];
    for (int a = 0; a < names.size(); a++) {
      for (int b = 0; b < names.size(); b++) {
        pct[a][b] = of(y, maskedScores.get(names.get(a)), maskedScores.get(names.get(b)));
      }
    }
    return new WinRate(List.copyOf(names), pct);
  }

  /** The method names, in row (and column) order. */
  public List<String> methods() {
    return methods;
  }

  /** Win % of {@code methodA} over {@code methodB}. */
  public double percent(String methodA, String methodB) {
    return percent[index(methodA)][index(methodB)];
  }

  /** Win % of row method {@code a} over column method {@code b}, by position. */
  public double percent(int a, int b) {
    return percent[a][b];
  }

  private int index(String method) {
    int i = methods.indexOf(method);
    if (i < 0) {
      throw new SscamException("win rate: unknown method '" + method + "' (have " + methods + ")");
    }
    return i;
  }
}
