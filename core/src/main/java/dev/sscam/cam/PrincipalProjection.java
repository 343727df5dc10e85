package dev.sscam.cam;

import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;

/**
 * The projection Eigen-CAM and Eigen-Grad-CAM draw: a K×h×w tensor {@code M} read as the {@code h·w
 * × K} matrix {@code X} (one row per position), each column centred on its mean over positions, and
 * {@code p = X v} its projection on the first principal direction {@code v} (first right singular
 * vector), as pytorch-grad-cam's {@code get_2d_projection} does ({@code reshaped − mean(axis=0)},
 * {@code np.linalg.svd}, {@code reshaped @ VT[0]}).
 *
 * <p><b>Sign rule.</b> A singular vector has no sign ({@code −v} is as good as {@code v}), so
 * pytorch-grad-cam's map flips between runs and libraries. sscam orients {@code p} so that it
 * correlates positively with the channel sum {@code s(i,j) = Σ_k M_k(i,j)}: {@code p} is negated
 * when {@code Σ_ij p(i,j) s(i,j) < 0} (as {@code p} has mean 0, that sum has the sign of their
 * Pearson correlation). When it is exactly 0 the larger of {@code |max p|} and {@code |min p|}
 * decides, pytorch-grad-cam's Seg-Eigen-CAM rule ({@code p} negated when {@code |min| > |max|}).
 * The map is then a function of {@code M} alone, whichever sign the decomposition returned.
 *
 * <p>{@code v} comes from the eigen-decomposition of the smaller Gram matrix: {@code XᵀX} (K×K),
 * or {@code XXᵀ} (hw×hw) when {@code h·w < K}, whose first eigenvector {@code u} gives {@code p =
 * √λ u} (= {@code X v}, since {@code X v = σ u}). The first eigenvector comes from {@link
 * PowerIteration} when it converges to a certified accuracy (it needs only the one vector, about
 * 5× faster on 169 × 169), otherwise from the whole decomposition.
 */
public final class PrincipalProjection {
  private PrincipalProjection() {}

  /**
   * The oriented projection of {@code m} ({@code channels × size}, channels first), and the oriented
   * direction {@code v} (one weight per channel, so that {@code p = Σ_k v_k (M_k − mean M_k)}).
   */
  public static PositionMap of(float[] m, int channels, int size) {
    double[] mean = channelMeans(m, channels, size);
    double[] v;
    if (channels <= size) {
      // XᵀX over the rows of X, one per position. Row by row: strided reads of M, each row of X
      // written once in order.
      double[][] x = new double[size][channels];
      for (int p = 0; p < size; p++) {
        double[] row = x[p];
        for (int k = 0; k < channels; k++) {
          row[k] = m[k * size + p] - mean[k];
        }
      }
      v = topEigenvector(gram(x));
    } else {
      // XXᵀ over the columns of X, one per channel: M's own rows, centred, read in order. (Building
      // X and then transposing it made two strided copies: 86,528 numbers each on SqueezeNet1.0.)
      double[][] columns = new double[channels][size];
      for (int k = 0; k < channels; k++) {
        double[] col = columns[k];
        double mk = mean[k];
        int off = k * size;
        for (int p = 0; p < size; p++) {
          col[p] = m[off + p] - mk;
        }
      }
      v = directionFromColumns(columns, topEigenvector(gram(columns)));
    }
    // p = Σ_k v_k (M_k − mean M_k), channel by channel: axpys over positions the JIT vectorises,
    // where a dot product per position is one long chain of additions (same terms, same order).
    // The sign rule's channel sum s = Σ_k M_k rides along: one read of M for both.
    double[] proj = new double[size];
    double[] sum = new double[size];
    for (int k = 0; k < channels; k++) {
      double vk = v[k];
      double mk = mean[k];
      int off = k * size;
      for (int p = 0; p < size; p++) {
        float mp = m[off + p];
        proj[p] += vk * (mp - mk);
        sum[p] += mp;
      }
    }
    double sign = orientation(proj, sum);
    float[] out = new float[size];
    for (int p = 0; p < size; p++) {
      out[p] = (float) (sign * proj[p]);
    }
    float[] direction = new float[channels];
    for (int k = 0; k < channels; k++) {
      direction[k] = (float) (sign * v[k]);
    }
    return new PositionMap(out, direction, 0, null);
  }

  /**
   * +1 or −1: the sign that makes {@code p} correlate positively with {@code s}; on a tie (no
   * correlation) the one that makes {@code |max p| ≥ |min p|}.
   */
  public static double orientation(double[] p, double[] s) {
    double dot = 0;
    double max = Double.NEGATIVE_INFINITY;
    double min = Double.POSITIVE_INFINITY;
    for (int i = 0; i < p.length; i++) {
      dot += p[i] * s[i];
      max = Math.max(max, p[i]);
      min = Math.min(min, p[i]);
    }
    if (dot != 0) {
      return dot > 0 ? 1 : -1;
    }
    return Math.abs(min) > Math.abs(max) ? -1 : 1;
  }

  /**
   * Each channel's mean over positions. Four running sums a channel: one sum is a chain of
   * additions, each waiting for the last (96 × 196 on the ViT: 13 µs as one chain, 10 µs as four).
   */
  static double[] channelMeans(float[] m, int channels, int size) {
    double[] mean = new double[channels];
    for (int k = 0; k < channels; k++) {
      int off = k * size;
      double s0 = 0;
      double s1 = 0;
      double s2 = 0;
      double s3 = 0;
      int p = 0;
      for (; p + 3 < size; p += 4) {
        s0 += m[off + p];
        s1 += m[off + p + 1];
        s2 += m[off + p + 2];
        s3 += m[off + p + 3];
      }
      for (; p < size; p++) {
        s0 += m[off + p];
      }
      mean[k] = ((s0 + s1) + (s2 + s3)) / size;
    }
    return mean;
  }

  /** {@code s(i,j) = Σ_k M_k(i,j)}, uncentred. */
  public static double[] channelSum(float[] m, int channels, int size) {
    double[] s = new double[size];
    for (int k = 0; k < channels; k++) {
      for (int p = 0; p < size; p++) {
        s[p] += m[k * size + p];
      }
    }
    return s;
  }

  /**
   * {@code Σ_r x_r x_rᵀ} over the given vectors: {@code XᵀX} from the rows of {@code X}, or {@code
   * XXᵀ} from its columns (the rows of {@code Xᵀ}). A sum of outer products: its inner loop is an axpy the JIT vectorises, where
   * a loop of dot products is one chain of additions (3.5× slower on 512 × 169).
   *
   * <p>The upper triangle is computed in bands of {@value #BAND} rows of G, in parts of equal work run
   * in parallel ({@link #equalWorkCuts}): a band stays
   * in the first-level cache while the rows of X stream past it once, where sweeping all of G for
   * every four rows of X streamed G through the cache a hundred times. Each entry still sums its
   * terms in the order of the rows, so G is the same, bit for bit, on any number of threads.
   */
  private static double[][] gram(double[][] rows) {
    int n = rows[0].length;
    double[][] g = new double[n][n];
    // Small matrices are not worth a second thread's wake-up.
    int parts = (long) n * n * rows.length > PARALLEL_WORK
        ? Math.min((n + BAND - 1) / BAND, ForkJoinPool.getCommonPoolParallelism() + 1) : 1;
    int[] cuts = equalWorkCuts(n, parts);
    IntStream stream = IntStream.range(0, parts);
    if (parts > 1) {
      stream = stream.parallel();
    }
    stream.forEach(t -> {
      for (int from = cuts[t]; from < cuts[t + 1]; from += BAND) {
        band(rows, g, from, Math.min(cuts[t + 1], from + BAND));
      }
    });
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < i; j++) {
        g[i][j] = g[j][i];
      }
    }
    return g;
  }

  /**
   * Row boundaries {@code 0 = c_0 < … < c_parts = n} splitting the upper triangle into parts of equal
   * work (row {@code i} holds {@code n − i} entries). Equal counts of bands were not: on 96 × 96 the
   * first half of the rows holds three quarters of the entries, and two threads gained 13%, not 2×.
   */
  static int[] equalWorkCuts(int n, int parts) {
    int[] cuts = new int[parts + 1];
    long total = (long) n * (n + 1) / 2;
    long done = 0;
    int t = 1;
    for (int i = 0; i < n && t < parts; i++) {
      done += n - i;
      if (done * parts >= total * t) {
        cuts[t++] = i + 1;
      }
    }
    for (; t <= parts; t++) {
      cuts[t] = n;
    }
    return cuts;
  }

  /** Rows of G per band. */
  static final int BAND = 16;
  /**
   * A Gram matrix's work, n² times the rows of X (twice its multiply-adds), above which its bands run
   * in parallel.
   */
  static final long PARALLEL_WORK = 1_000_000;

  /** Rows {@code [from, to)} of G's upper triangle. */
  private static void band(double[][] rows, double[][] g, int from, int to) {
    int n = g.length;
    // Four rows of X per sweep: each g[i][j] is loaded and stored a quarter as often.
    int r = 0;
    for (; r + 3 < rows.length; r += 4) {
      double[] r0 = rows[r];
      double[] r1 = rows[r + 1];
      double[] r2 = rows[r + 2];
      double[] r3 = rows[r + 3];
      for (int i = from; i < to; i++) {
        double a0 = r0[i];
        double a1 = r1[i];
        double a2 = r2[i];
        double a3 = r3[i];
        double[] gi = g[i];
        for (int j = i; j < n; j++) {
          gi[j] += a0 * r0[j] + a1 * r1[j] + a2 * r2[j] + a3 * r3[j];
        }
      }
    }
    for (; r < rows.length; r++) {
      double[] row = rows[r];
      for (int i = from; i < to; i++) {
        double a = row[i];
        double[] gi = g[i];
        for (int j = i; j < n; j++) {
          gi[j] += a * row[j];
        }
      }
    }
  }

  /** The unit eigenvector of the largest eigenvalue of a symmetric matrix (any sign). */
  private static double[] topEigenvector(double[][] symmetric) {
    double[] v = PowerIteration.topEigenvector(symmetric);
    return v != null ? v : fullDecomposition(symmetric);
  }

  /** The eigenvector of the largest eigenvalue from the whole decomposition (Commons Math). */
  static double[] fullDecomposition(double[][] symmetric) {
    EigenDecomposition e = new EigenDecomposition(new Array2DRowRealMatrix(symmetric, false));
    double[] values = e.getRealEigenvalues();
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return e.getEigenvector(best).toArray();
  }


  /**
   * {@code v = Xᵀu / ‖Xᵀu‖} from the first left singular vector {@code u} and X's columns (zero when
   * X is 0): {@code v_k = x_k · u}, each dot product in four running sums (one sum is a chain of
   * additions, each waiting for the last).
   */
  private static double[] directionFromColumns(double[][] columns, double[] u) {
    double[] v = new double[columns.length];
    for (int k = 0; k < columns.length; k++) {
      double[] col = columns[k];
      double s0 = 0;
      double s1 = 0;
      double s2 = 0;
      double s3 = 0;
      int p = 0;
      for (; p + 3 < col.length; p += 4) {
        s0 += col[p] * u[p];
        s1 += col[p + 1] * u[p + 1];
        s2 += col[p + 2] * u[p + 2];
        s3 += col[p + 3] * u[p + 3];
      }
      for (; p < col.length; p++) {
        s0 += col[p] * u[p];
      }
      v[k] = (s0 + s1) + (s2 + s3);
    }
    PowerIteration.normalize(v);
    return v;
  }
}
