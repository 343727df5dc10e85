package dev.sscam.cam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sscam.cam.projection.EigenCam;
import dev.sscam.cam.projection.EigenGradCam;

import dev.sscam.model.OnnxClassifier;
import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.junit.jupiter.api.Test;

/**
 * Eigen-CAM and Eigen-Grad-CAM against the projection computed here by another route (a full SVD of
 * the centred h·w × K matrix, as pytorch-grad-cam's {@code get_2d_projection}), and sscam's sign
 * rule: the projection correlates positively with the channel sum, whichever sign the decomposition
 * gave its principal direction.
 */
class EigenCamTest {
  private static final int P = DeepHead.SIZE * DeepHead.SIZE;

  /** {@code X v} with {@code X} the centred rows-are-positions matrix and {@code v} the first right singular vector, as the SVD returns it. */
  static double[] svdProjection(double[] m, int channels, int size) {
    double[][] x = new double[size][channels];
    for (int k = 0; k < channels; k++) {
      double mean = 0;
      for (int p = 0; p < size; p++) {
        mean += m[k * size + p] / size;
      }
      for (int p = 0; p < size; p++) {
        x[p][k] = m[k * size + p] - mean;
      }
    }
    RealMatrix xm = new Array2DRowRealMatrix(x);
    double[] v = new SingularValueDecomposition(xm).getV().getColumn(0);
    return xm.operate(v);
  }

  /** The map the sign rule asks for: {@code s(ReLU(±p))}, the sign making {@code Σ p·(Σ_k M_k) > 0}. */
  static float[] orientedMap(double[] p, double[] m, int channels, int size) {
    double dot = 0;
    for (int i = 0; i < size; i++) {
      double s = 0;
      for (int k = 0; k < channels; k++) {
        s += m[k * size + i];
      }
      dot += p[i] * s;
    }
    float[] l = new float[size];
    for (int i = 0; i < size; i++) {
      l[i] = (float) Math.max(0, dot < 0 ? -p[i] : p[i]);
    }
    return MinMax.normalise(l);
  }

  private static double[] negated(double[] p) {
    double[] n = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      n[i] = -p[i];
    }
    return n;
  }

  @Test
  void eigenCamIsTheOrientedSvdProjectionOfTheActivations() {
    DeepHead head = new DeepHead(19);
    try (OnnxClassifier m = head.open(16)) {
      for (long seed = 1; seed <= 4; seed++) {
        float[] x = TestModels.image(seed);
        SaliencyMap s = new Explainer(m).explain(x, new EigenCam(), CamOptions.builder().layer("features").build());
        double[] a = DeepHead.activations(x);
        double[] p = svdProjection(a, DeepHead.K, P);
        // Whichever sign the SVD gave v, the rule orients the map the same way.
        assertThat(s.cam()).as("seed %d", seed).containsExactly(orientedMap(p, a, DeepHead.K, P), within(1e-4f));
        assertThat(s.cam()).containsExactly(orientedMap(negated(p), a, DeepHead.K, P), within(1e-4f));
        assertThat(s.provenance().forwardPasses()).isEqualTo(1);
      }
    }
  }

  @Test
  void eigenCamIsClassAgnostic() {
    try (OnnxClassifier m = new DeepHead(19).open(16)) {
      float[] x = TestModels.image(3);
      float[] first = new Explainer(m).explain(x, new EigenCam(), CamOptions.builder().layer("features").targetClass(0).build()).cam();
      for (int c = 1; c < DeepHead.C; c++) {
        assertThat(new Explainer(m).explain(x, new EigenCam(), CamOptions.builder().layer("features").targetClass(c).build()).cam())
            .containsExactly(first);
      }
    }
  }

  @Test
  void eigenGradCamIsTheOrientedSvdProjectionOfGradientTimesActivation() {
    DeepHead head = new DeepHead(19);
    try (OnnxClassifier m = head.open(16)) {
      for (long seed = 1; seed <= 3; seed++) {
        float[] x = TestModels.image(seed);
        for (int c = 0; c < DeepHead.C; c++) {
          SaliencyMap s = new Explainer(m).explain(x, new EigenGradCam(), CamOptions.builder().layer("features").targetClass(c).build());
          double[] a = DeepHead.activations(x);
          double[] g = head.finiteDifferenceGradient(a, head.skip(x), c, 1e-5);
          double[] ga = new double[a.length];
          for (int i = 0; i < a.length; i++) {
            ga[i] = g[i] * a[i];
          }
          float[] want = orientedMap(svdProjection(ga, DeepHead.K, P), ga, DeepHead.K, P);
          assertThat(s.cam()).as("seed %d class %d", seed, c).containsExactly(want, within(2e-4f));
        }
      }
    }
  }

  /** The rule on its own: p and −p orient to the same vector, positively correlated with the channel sum. */
  @Test
  void negatingThePrincipalDirectionCannotFlipTheMap() {
    Random r = new Random(7);
    for (int trial = 0; trial < 20; trial++) {
      double[] p = new double[12];
      double[] s = new double[12];
      for (int i = 0; i < p.length; i++) {
        p[i] = r.nextGaussian();
        s[i] = r.nextGaussian();
      }
      double sign = PrincipalProjection.orientation(p, s);
      double signNegated = PrincipalProjection.orientation(negated(p), s);
      assertThat(signNegated).isEqualTo(-sign);
      double dot = 0;
      for (int i = 0; i < p.length; i++) {
        dot += sign * p[i] * s[i];
      }
      assertThat(dot).isPositive();
    }
  }

  /** Uncorrelated with the channel sum: the larger of |max| and |min| is made the positive end. */
  @Test
  void aTieIsBrokenByTheLargerExtreme() {
    double[] p = {-3, 1, 2};
    double[] s = {1, 1, 1}; // Σ p·s = 0
    assertThat(PrincipalProjection.orientation(p, s)).isEqualTo(-1);
    assertThat(PrincipalProjection.orientation(negated(p), s)).isEqualTo(1);
  }

  /**
   * A tensor whose principal direction points against its channel sum as the decomposition may return
   * it: the map still follows the sum. Two channels, A_1 = t and A_0 = −t/2 with t rising left to
   * right, plus a small constant: Σ_k A_k = t/2 + c, so the map must rise with t.
   */
  @Test
  void theMapFollowsTheChannelSumWhicheverWayTheChannelsPoint() {
    int size = 16;
    for (double flip : new double[] {1, -1}) {
      float[] m = new float[2 * size];
      for (int i = 0; i < size; i++) {
        double t = flip * i;
        m[i] = (float) (-t / 2 + 3);
        m[size + i] = (float) (t + 1);
      }
      float[] p = PrincipalProjection.of(m, 2, size).values();
      for (int i = 1; i < size; i++) {
        double sumUp = (m[i] + m[size + i]) - (m[i - 1] + m[size + i - 1]);
        assertThat(Math.signum((double) p[i] - p[i - 1])).as("flip %s step %d", flip, i).isEqualTo(Math.signum(sumUp));
      }
    }
  }

  /** Reordering the channels changes what the eigen-solver sees, not the map. */
  @Test
  void theMapDoesNotDependOnTheChannelOrder() {
    Random r = new Random(11);
    int channels = 6;
    int size = 20;
    float[] m = new float[channels * size];
    for (int i = 0; i < m.length; i++) {
      m[i] = (float) Math.max(0, r.nextGaussian());
    }
    float[] reversed = new float[m.length];
    for (int k = 0; k < channels; k++) {
      System.arraycopy(m, k * size, reversed, (channels - 1 - k) * size, size);
    }
    assertThat(PrincipalProjection.of(reversed, channels, size).values())
        .containsExactly(PrincipalProjection.of(m, channels, size).values(), within(1e-5f));
    // More channels than positions: the hw × hw Gram route gives the same projection as SVD.
    float[] wide = new float[40 * 5];
    for (int i = 0; i < wide.length; i++) {
      wide[i] = (float) r.nextGaussian();
    }
    double[] wideD = new double[wide.length];
    for (int i = 0; i < wide.length; i++) {
      wideD[i] = wide[i];
    }
    double[] p = svdProjection(wideD, 40, 5);
    float[] got = PrincipalProjection.of(wide, 40, 5).values();
    double sign = Math.signum(p[0]) == Math.signum(got[0]) ? 1 : -1;
    for (int i = 0; i < 5; i++) {
      assertThat((double) got[i]).isCloseTo(sign * p[i], within(1e-4));
    }
  }

  /**
   * The Gram matrix is summed four rows at a time: row counts that leave one, two or three over, on
   * both routes (positions ≥ channels: XᵀX over the positions; channels > positions: XXᵀ over the
   * channels), still give the SVD's projection.
   */
  @Test
  void everyRowCountGivesTheSvdProjection() {
    java.util.Random r = new java.util.Random(11);
    int[][] shapes = {{3, 5}, {3, 6}, {3, 7}, {2, 9}, {9, 4}, {10, 3}, {11, 2}, {13, 6}};
    for (int[] shape : shapes) {
      int channels = shape[0];
      int size = shape[1];
      float[] m = new float[channels * size];
      double[] d = new double[m.length];
      for (int i = 0; i < m.length; i++) {
        m[i] = (float) r.nextGaussian();
        d[i] = m[i];
      }
      double[] p = svdProjection(d, channels, size);
      float[] got = PrincipalProjection.of(m, channels, size).values();
      double dot = 0;
      for (int i = 0; i < size; i++) {
        dot += got[i] * p[i];
      }
      double sign = dot >= 0 ? 1 : -1;
      for (int i = 0; i < size; i++) {
        assertThat((double) got[i]).as("%d channels x %d positions, position %d", channels, size, i)
            .isCloseTo(sign * p[i], within(1e-4));
      }
    }
  }

  @Test
  void theProjectionIsTheSameBitForBitOnOneThreadAndOnMany() throws Exception {
    // Large enough for the Gram matrix's bands to run in parallel (both routes: K ≤ hw and K > hw)
    Random r = new Random(9);
    for (int[] shape : new int[][] {{96, 196}, {512, 169}}) {
      float[] m = new float[shape[0] * shape[1]];
      for (int i = 0; i < m.length; i++) {
        m[i] = (float) (r.nextGaussian() + (i % shape[1] < 30 ? 1.5 : 0));
      }
      float[][] got = new float[2][];
      int[] threads = {1, 4};
      for (int t = 0; t < 2; t++) {
        java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(threads[t]);
        try {
          got[t] = pool.submit(() -> PrincipalProjection.of(m, shape[0], shape[1]).values()).get();
        } finally {
          pool.shutdown();
        }
      }
      assertThat(got[1]).as("%d x %d", shape[0], shape[1]).containsExactly(got[0]);
    }
  }

  @Test
  void theGramMatrixPartsHoldEqualWork() {
    // Row i of the upper triangle holds n − i entries; each part's share is within one row of 1/parts.
    for (int n : new int[] {5, 96, 169, 512}) {
      for (int parts : new int[] {1, 2, 3, 8}) {
        int[] cuts = PrincipalProjection.equalWorkCuts(n, parts);
        assertThat(cuts).hasSize(parts + 1);
        assertThat(cuts[0]).isZero();
        assertThat(cuts[parts]).isEqualTo(n);
        long total = (long) n * (n + 1) / 2;
        for (int t = 0; t < parts; t++) {
          assertThat(cuts[t + 1]).as("n %d, part %d of %d", n, t, parts).isGreaterThanOrEqualTo(cuts[t]);
          long work = 0;
          for (int i = cuts[t]; i < cuts[t + 1]; i++) {
            work += n - i;
          }
          assertThat((double) work).as("n %d, part %d of %d", n, t, parts)
              .isCloseTo((double) total / parts, within((double) n));
        }
      }
    }
    // On 96 rows in two parts the cut is near n(1 − 1/√2) = 28, not at the middle.
    assertThat(PrincipalProjection.equalWorkCuts(96, 2)[1]).isBetween(27, 29);
  }
}
