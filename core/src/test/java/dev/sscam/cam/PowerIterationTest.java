package dev.sscam.cam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Power iteration against known eigenvectors and Commons Math's whole decomposition. */
class PowerIterationTest {
  /** Q diag(λ) Qᵀ with Q a Householder reflection I − 2 h hᵀ (orthogonal, its columns known). */
  private static double[][] withEigenvalues(double[] lambda, double[] h) {
    int n = lambda.length;
    double[][] q = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        q[i][j] = (i == j ? 1 : 0) - 2 * h[i] * h[j];
      }
    }
    double[][] g = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        for (int k = 0; k < n; k++) {
          g[i][j] += q[i][k] * lambda[k] * q[j][k];
        }
      }
    }
    return g;
  }

  private static double[] unit(int n, long seed) {
    Random r = new Random(seed);
    double[] h = new double[n];
    double s = 0;
    for (int i = 0; i < n; i++) {
      h[i] = r.nextGaussian();
      s += h[i] * h[i];
    }
    for (int i = 0; i < n; i++) {
      h[i] /= Math.sqrt(s);
    }
    return h;
  }

  @Test
  void findsTheKnownTopEigenvector() {
    double[] h = unit(6, 3);
    double[] lambda = {2, 9, 4, 1, 0.5, 0};
    double[] v = PowerIteration.topEigenvector(withEigenvalues(lambda, h));
    // The eigenvector of λ = 9 is column 1 of Q: e_1 − 2 h h_1.
    double dot = 0;
    for (int i = 0; i < 6; i++) {
      dot += v[i] * ((i == 1 ? 1 : 0) - 2 * h[i] * h[1]);
    }
    assertThat(Math.abs(dot)).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void agreesWithTheWholeDecompositionOnGramMatrices() {
    Random r = new Random(5);
    for (int trial = 0; trial < 10; trial++) {
      int n = 20 + trial * 15;
      int k = 30 + trial * 7;
      double[][] x = new double[k][n];
      for (double[] row : x) {
        for (int j = 0; j < n; j++) {
          row[j] = Math.max(0, r.nextGaussian());
        }
      }
      double[][] g = new double[n][n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          for (double[] row : x) {
            g[i][j] += row[i] * row[j];
          }
        }
      }
      double[] v = PowerIteration.topEigenvector(g);
      double[] u = PrincipalProjection.fullDecomposition(g);
      assertThat(v).as("certified on trial %d", trial).isNotNull();
      double dot = 0;
      for (int i = 0; i < n; i++) {
        dot += v[i] * u[i];
      }
      assertThat(Math.abs(dot)).isCloseTo(1.0, within(1e-12));
    }
  }

  /**
   * G = diag(B, 4.9) with B = [[2.6, 2.4], [2.4, 2.6]] (eigenvalues 5 and 0.2): the column of largest
   * norm is e₃, itself an eigenvector, of 4.9. Started there exactly, power iteration would stay and
   * certify the wrong vector; it must give B's (1, 1, 0)/√2 or leave it to the decomposition.
   */
  @Test
  void aLowerEigenvectorAsTheLargestColumnIsNotReturned() {
    double[][] g = {{2.6, 2.4, 0}, {2.4, 2.6, 0}, {0, 0, 4.9}};
    double[] v = PowerIteration.topEigenvector(g);
    double[] top = v != null ? v : PrincipalProjection.fullDecomposition(g);
    assertThat(Math.abs(top[0] + top[1]) / Math.sqrt(2)).isCloseTo(1.0, within(1e-9));
    assertThat(top[2]).isCloseTo(0.0, within(1e-9));
  }

  @Test
  void aNearTieOrAZeroMatrixIsLeftToTheWholeDecomposition() {
    double[] h = unit(5, 7);
    assertThat(PowerIteration.topEigenvector(withEigenvalues(new double[] {1, 1 - 1e-7, 0.3, 0.2, 0}, h))).isNull();
    assertThat(PowerIteration.topEigenvector(new double[4][4])).isNull();
  }

  @Test
  void theShiftedStepsFindTheTopEigenvectorAcrossGaps() {
    // G = Q diag(λ) Qᵀ with λ₁ = 1, λ₂ = ρ and the rest spread over [0, ρ): the known eigenvector q₁
    int n = 60;
    Random r = new Random(17);
    for (double rho : new double[] {0.05, 0.3, 0.6, 0.8, 0.9, 0.95}) {
      double[][] q = new org.apache.commons.math3.linear.QRDecomposition(
          new org.apache.commons.math3.linear.Array2DRowRealMatrix(randomMatrix(n, r))).getQ().getData();
      double[] lambda = new double[n];
      lambda[0] = 1;
      lambda[1] = rho;
      for (int i = 2; i < n; i++) {
        lambda[i] = rho * r.nextDouble() * 0.98;
      }
      double[][] g = new double[n][n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          double s = 0;
          for (int k = 0; k < n; k++) {
            s += q[i][k] * lambda[k] * q[j][k];
          }
          g[i][j] = s;
        }
      }
      double[] v = PowerIteration.topEigenvector(g);
      if (v == null) {
        assertThat(rho).as("only a slow contraction is left to the whole decomposition").isGreaterThanOrEqualTo(0.9);
        continue;
      }
      double dot = 0;
      for (int i = 0; i < n; i++) {
        dot += v[i] * q[i][0];
      }
      assertThat(Math.abs(dot)).as("rho %.2f", rho).isCloseTo(1.0, within(1e-12));
    }
  }

  /**
   * A start that leans on the second eigenvector: q₂ is concentrated on coordinate 0, q₁ spread over
   * all, so the column of largest norm is G's first, mostly q₂. The residual then grows for several
   * steps before it contracts (λ₂/λ₁ = 0.87, as on a ViT map whose iteration used to be given up
   * at step 5 for a whole decomposition ten times as slow).
   */
  @Test
  void aResidualThatGrowsBeforeItContractsStillConverges() {
    int n = 40;
    Random r = new Random(3);
    double[][] q = new double[n][];
    q[0] = new double[n];
    java.util.Arrays.fill(q[0], 1 / Math.sqrt(n));
    for (int k = 1; k < n; k++) {
      double[] x = new double[n];
      if (k == 1) {
        x[0] = 1;
      } else {
        for (int i = 0; i < n; i++) {
          x[i] = r.nextGaussian();
        }
      }
      for (int j = 0; j < k; j++) {
        double d = 0;
        for (int i = 0; i < n; i++) {
          d += x[i] * q[j][i];
        }
        for (int i = 0; i < n; i++) {
          x[i] -= d * q[j][i];
        }
      }
      PowerIteration.normalize(x);
      q[k] = x;
    }
    double[] lambda = new double[n];
    lambda[0] = 1;
    lambda[1] = 0.87;
    for (int k = 2; k < n; k++) {
      lambda[k] = 0.3 * r.nextDouble();
    }
    double[][] g = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        for (int k = 0; k < n; k++) {
          g[i][j] += q[k][i] * lambda[k] * q[k][j];
        }
      }
    }
    double[] v = PowerIteration.topEigenvector(g);
    assertThat(v).as("certified without the whole decomposition").isNotNull();
    double dot = 0;
    for (int i = 0; i < n; i++) {
      dot += v[i] * q[0][i];
    }
    assertThat(Math.abs(dot)).isCloseTo(1.0, within(1e-12));
  }

  private static double[][] randomMatrix(int n, Random r) {
    double[][] m = new double[n][n];
    for (double[] row : m) {
      for (int j = 0; j < n; j++) {
        row[j] = r.nextGaussian();
      }
    }
    return m;
  }
}
