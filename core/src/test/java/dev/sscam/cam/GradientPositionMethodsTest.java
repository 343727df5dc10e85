package dev.sscam.cam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sscam.cam.gradient.GradCam;
import dev.sscam.cam.gradient.GradCamElementwise;
import dev.sscam.cam.gradient.HiResCam;
import dev.sscam.cam.gradient.LayerCam;
import dev.sscam.cam.gradient.XGradCam;

import dev.sscam.model.OnnxClassifier;
import java.util.function.DoubleBinaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * XGrad-CAM, LayerCAM, HiResCAM and Grad-CAM element-wise against their formulas, computed here from
 * the activations and finite-difference gradients of a head computed by hand ({@link DeepHead}); and
 * on a GAP → linear head, where the references say they coincide with Grad-CAM or each other.
 */
class GradientPositionMethodsTest {
  private static final DeepHead HEAD = new DeepHead(19);
  private static final int P = DeepHead.SIZE * DeepHead.SIZE;

  /** What the test derives for one image and class: A, and g by finite differences. */
  private record Derived(double[] a, double[] g) {}

  private static Derived derive(float[] x, int c) {
    double[] a = DeepHead.activations(x);
    return new Derived(a, HEAD.finiteDifferenceGradient(a, HEAD.skip(x), c, 1e-5));
  }

  /** {@code s(ReLU(Σ_k t(g, A)))} per position. */
  private static float[] elementwise(Derived d, DoubleBinaryOperator term) {
    float[] l = new float[P];
    for (int p = 0; p < P; p++) {
      double s = 0;
      for (int k = 0; k < DeepHead.K; k++) {
        s += term.applyAsDouble(d.g()[k * P + p], d.a()[k * P + p]);
      }
      l[p] = (float) Math.max(0, s);
    }
    return MinMax.normalise(l);
  }

  /** {@code s(ReLU(Σ_k α_k A_k))}. */
  private static float[] channelWeighted(Derived d, double[] alpha) {
    float[] l = new float[P];
    for (int p = 0; p < P; p++) {
      double s = 0;
      for (int k = 0; k < DeepHead.K; k++) {
        s += alpha[k] * d.a()[k * P + p];
      }
      l[p] = (float) Math.max(0, s);
    }
    return MinMax.normalise(l);
  }

  /** The expected {@code cam} of {@code id}, from its formula. */
  private static float[] expected(String id, Derived d) {
    return switch (id) {
      case "layer-cam" -> elementwise(d, (g, a) -> Math.max(0, g) * a);
      case "hires-cam" -> elementwise(d, (g, a) -> g * a);
      case "grad-cam-elementwise" -> elementwise(d, (g, a) -> Math.max(0, g * a));
      case "xgrad-cam", "grad-cam" -> {
        double[] alpha = new double[DeepHead.K];
        for (int k = 0; k < DeepHead.K; k++) {
          double ga = 0;
          double sa = 0;
          double sg = 0;
          for (int p = k * P; p < (k + 1) * P; p++) {
            ga += d.g()[p] * d.a()[p];
            sa += d.a()[p];
            sg += d.g()[p];
          }
          alpha[k] = id.equals("grad-cam") ? sg / P : ga / (sa + 1e-8);
        }
        yield channelWeighted(d, alpha);
      }
      default -> throw new IllegalArgumentException(id);
    };
  }

  @ParameterizedTest
  @ValueSource(strings = {"grad-cam", "xgrad-cam", "layer-cam", "hires-cam", "grad-cam-elementwise"})
  void mapIsItsFormulaOnADeepHeadWithFiniteDifferenceGradients(String id) {
    try (OnnxClassifier m = HEAD.open(16)) {
      for (long seed = 1; seed <= 3; seed++) {
        float[] x = TestModels.image(seed);
        for (int c = 0; c < DeepHead.C; c++) {
          SaliencyMap s = new Explainer(m).explain(x, Methods.byId(id), CamOptions.builder().layer("features").targetClass(c).build());
          float[] want = expected(id, derive(x, c));
          assertThat(s.cam()).as("%s seed %d class %d", id, seed, c).containsExactly(want, within(2e-4f));
        }
      }
    }
  }

  /** The test model really tells them apart: each pair the GAP head confuses differs here. */
  @Test
  void theDeepHeadSeparatesWhatAGapHeadConfuses() {
    float[] x = TestModels.image(2);
    Derived d = derive(x, 0);
    assertThat(maxDifference(expected("hires-cam", d), expected("grad-cam", d))).isGreaterThan(0.05);
    assertThat(maxDifference(expected("grad-cam-elementwise", d), expected("layer-cam", d))).isGreaterThan(0.05);
    assertThat(maxDifference(expected("xgrad-cam", d), expected("grad-cam", d))).isGreaterThan(0.05);
    assertThat(maxDifference(expected("layer-cam", d), expected("hires-cam", d))).isGreaterThan(0.05);
  }

  /**
   * On GAP → linear, {@code g_k = W[c,k]/(h·w)} everywhere: HiResCAM is Grad-CAM (times h·w), XGrad-CAM
   * is Grad-CAM (channels of positive sum), and with A ≥ 0 (after a ReLU) element-wise is LayerCAM.
   */
  @Test
  void onAGapLinearHeadTheyCoincideAsTheReferencesSay() {
    try (OnnxClassifier m = TestModels.convGapLinear(null, 1f)) {
      Explainer e = new Explainer(m);
      for (int c = 0; c < TestModels.C; c++) {
        CamOptions o = CamOptions.builder().targetClass(c).build();
        float[] x = TestModels.image(6);
        float[] grad = e.explain(x, new GradCam(), o).cam();
        assertThat(e.explain(x, new HiResCam(), o).cam()).containsExactly(grad, within(2e-5f));
        assertThat(e.explain(x, new XGradCam(), o).cam()).containsExactly(grad, within(2e-5f));
        assertThat(e.explain(x, new GradCamElementwise(), o).cam())
            .containsExactly(e.explain(x, new LayerCam(), o).cam(), within(2e-5f));
      }
    }
  }

  /** Reported weights of a position method: each channel's mean contribution {@code mean_ij t(g, A)}. */
  @Test
  void layerCamReportsEachChannelsMeanContribution() {
    try (OnnxClassifier m = HEAD.open(16)) {
      float[] x = TestModels.image(5);
      SaliencyMap s = new Explainer(m).explain(x, new LayerCam(), CamOptions.builder().layer("features").targetClass(1).build());
      Derived d = derive(x, 1);
      for (int k = 0; k < DeepHead.K; k++) {
        double mean = 0;
        for (int p = k * P; p < (k + 1) * P; p++) {
          mean += Math.max(0, d.g()[p]) * d.a()[p] / P;
        }
        assertThat(s.weights()[k]).isCloseTo((float) mean, within(1e-4f));
      }
      assertThat(s.provenance().forwardPasses()).isEqualTo(1); // one forward pass gives A, z and the head gradient's inputs
    }
  }

  @Test
  void aGradientTakenOnDemandCountsItsOwnForwardPass() {
    // A method that reads X0's gradient without saying so gets it from a second run of the model.
    CamMethod undeclared = new CamMethod() {
      @Override
      public String id() {
        return "undeclared-gradient";
      }

      @Override
      public String title() {
        return "undeclared";
      }

      @Override
      public ChannelWeights weights(CamContext ctx) {
        ctx.gradients();
        return new ChannelWeights(new float[ctx.channels()], ctx.gradientPasses());
      }
    };
    try (OnnxClassifier m = HEAD.open(16)) {
      CamOptions o = CamOptions.builder().layer("features").targetClass(1).build();
      assertThat(new Explainer(m).explain(TestModels.image(5), undeclared, o).provenance().forwardPasses()).isEqualTo(2);
      assertThat(new Explainer(m).explain(TestModels.image(5), new GradCam(), o).provenance().forwardPasses()).isEqualTo(1);
    }
  }

  private static double maxDifference(float[] a, float[] b) {
    double d = 0;
    for (int i = 0; i < a.length; i++) {
      d = Math.max(d, Math.abs(a[i] - b[i]));
    }
    return d;
  }
}
