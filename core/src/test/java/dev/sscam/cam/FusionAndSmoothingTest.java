package dev.sscam.cam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sscam.cam.gradient.GradCam;
import dev.sscam.cam.gradient.LayerCam;
import dev.sscam.cam.projection.EigenCam;

import dev.sscam.model.OnnxClassifier;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code --layer a,b} (torchcam's fuse_cams), {@code --eigen-smooth} and {@code --aug-smooth}
 * (pytorch-grad-cam's), each against its definition worked out here.
 */
class FusionAndSmoothingTest {
  private static final DeepHead HEAD = new DeepHead(19);
  private static final int P = DeepHead.SIZE * DeepHead.SIZE;

  @Test
  void layerSpecsSplitAtCommasOutsideOverrides() {
    assertThat(LayerFusion.layers("layer3,layer4")).containsExactly("layer3", "layer4");
    assertThat(LayerFusion.layers("a[grid=7x28,tokens=1], b")).containsExactly("a[grid=7x28,tokens=1]", "b");
    assertThat(LayerFusion.layers("layer4")).containsExactly("layer4");
    assertThat(LayerFusion.layers(null)).hasSize(1);
  }

  /** A map holding only {@code cam} at {@code h×w}, for the fusion rule on its own. */
  private static SaliencyMap camOnly(float[] cam, int h, int w) {
    return new SaliencyMap(0, "x", 0, 0, 0, cam, h, w, new float[16], 4, 4, new float[0], false, null);
  }

  /**
   * 2×2 → 4×4 with PyTorch's bilinear (align_corners=False) values for [[0, 1/3], [2/3, 1]] (its known
   * table for [[1, 2], [3, 4]], shifted and scaled), then the element-wise max with a 4×4 map.
   */
  @Test
  void fusionIsTheMaxOfTheMapsResampledToTheFinestGrid() {
    float[] coarse = {0, 1 / 3f, 2 / 3f, 1};
    float[] table = {1f, 1.25f, 1.75f, 2f, 1.5f, 1.75f, 2.25f, 2.5f, 2.5f, 2.75f, 3.25f, 3.5f, 3f, 3.25f, 3.75f, 4f};
    float[] fine = new float[16];
    for (int i = 0; i < 16; i++) {
      fine[i] = (i % 3) / 2f;
    }
    float[] got = LayerFusion.fuse(List.of(camOnly(coarse, 2, 2), camOnly(fine, 4, 4)), FusionScale.NONE, 4, 4);
    float[] gotLayerCam = LayerFusion.fuse(List.of(camOnly(coarse, 2, 2), camOnly(fine, 4, 4)), FusionScale.TANH_2, 4, 4);
    for (int i = 0; i < 16; i++) {
      double up = (table[i] - 1) / 3;
      assertThat(bilinear2x2(new double[] {0, 1 / 3.0, 2 / 3.0, 1}, i / 4, i % 4)).isCloseTo(up, within(1e-6));
      assertThat((double) got[i]).isCloseTo(Math.max(up, fine[i]), within(1e-6));
      // LayerCAM scales each normalised map by tanh(2·cam) before resampling (torchcam's _scale_cams).
      double tanhUp = bilinear2x2(new double[] {Math.tanh(0), Math.tanh(2 / 3.0), Math.tanh(4 / 3.0), Math.tanh(2)}, i / 4, i % 4);
      assertThat((double) gotLayerCam[i]).as("pixel %d", i).isCloseTo(Math.max(tanhUp, Math.tanh(2 * fine[i])), within(1e-6));
    }
  }

  /** PyTorch's bilinear 2×2 → 4×4 (align_corners=False): source coordinate (d + 0.5)/2 − 0.5, clamped. */
  private static double bilinear2x2(double[] v, int y, int x) {
    double sy = Math.min(Math.max((y + 0.5) / 2 - 0.5, 0), 1);
    double sx = Math.min(Math.max((x + 0.5) / 2 - 0.5, 0), 1);
    double top = v[0] * (1 - sx) + v[1] * sx;
    double bottom = v[2] * (1 - sx) + v[3] * sx;
    return top * (1 - sy) + bottom * sy;
  }

  @Test
  void twoLayersFuseTheirMapsAndProvenanceSaysHow() {
    try (OnnxClassifier m = HEAD.open(16)) {
      float[] x = TestModels.image(3);
      Explainer e = new Explainer(m);
      for (String id : List.of("grad-cam", "layer-cam")) {
        CamOptions one = CamOptions.builder().targetClass(1).build();
        float[] a = e.explain(x, Methods.byId(id), one.toBuilder().layer("features").build()).cam();
        float[] b = e.explain(x, Methods.byId(id), one.toBuilder().layer("head_relu").build()).cam();
        SaliencyMap s = e.explain(x, Methods.byId(id), one.toBuilder().layer("features,head_relu").build());
        float[] want = new float[P];
        for (int i = 0; i < P; i++) {
          want[i] = id.equals("layer-cam") ? (float) Math.max(Math.tanh(2.0 * a[i]), Math.tanh(2.0 * b[i])) : Math.max(a[i], b[i]);
        }
        assertThat(s.cam()).as(id).containsExactly(MinMax.normalise(want), within(1e-6f));
        // Both layers are 8×8 like the input: U is the identity, E = s(F).
        assertThat(s.explanation()).containsExactly(MinMax.normalise(want), within(1e-6f));
        assertThat(s.provenance().layer()).isEqualTo("features.conv,head.relu");
        assertThat(s.provenance().options()).containsKey("fusion");
        assertThat(s.provenance().options().get("layer")).isEqualTo("features,head_relu");
      }
    }
  }

  /** eigen-smooth: L is the oriented first principal projection of α_k A_k (Grad-CAM) or of LayerCAM's terms. */
  @Test
  void eigenSmoothProjectsTheWeightedActivations() {
    try (OnnxClassifier m = HEAD.open(16)) {
      float[] x = TestModels.image(4);
      int c = 2;
      double[] a = DeepHead.activations(x);
      double[] g = HEAD.finiteDifferenceGradient(a, HEAD.skip(x), c, 1e-5);
      double[] gradCamTerms = new double[a.length];
      double[] layerCamTerms = new double[a.length];
      for (int k = 0; k < DeepHead.K; k++) {
        double alpha = 0;
        for (int p = k * P; p < (k + 1) * P; p++) {
          alpha += g[p] / P;
        }
        for (int p = k * P; p < (k + 1) * P; p++) {
          gradCamTerms[p] = alpha * a[p];
          layerCamTerms[p] = Math.max(0, g[p]) * a[p];
        }
      }
      CamOptions o = CamOptions.builder().layer("features").targetClass(c).eigenSmooth(true).build();
      Explainer e = new Explainer(m);
      assertThat(e.explain(x, new GradCam(), o).cam()).containsExactly(
          EigenCamTest.orientedMap(EigenCamTest.svdProjection(gradCamTerms, DeepHead.K, P), gradCamTerms, DeepHead.K, P),
          within(2e-4f));
      SaliencyMap layerCam = e.explain(x, new LayerCam(), o);
      assertThat(layerCam.cam()).containsExactly(
          EigenCamTest.orientedMap(EigenCamTest.svdProjection(layerCamTerms, DeepHead.K, P), layerCamTerms, DeepHead.K, P),
          within(2e-4f));
      assertThat(layerCam.provenance().options()).containsKey("eigen-smooth");
      // Eigen-CAM is a projection already: the flag changes nothing (pytorch-grad-cam ignores it too).
      CamOptions plain = o.toBuilder().eigenSmooth(false).build();
      assertThat(e.explain(x, new EigenCam(), o).cam()).containsExactly(e.explain(x, new EigenCam(), plain).cam());
    }
  }

  /** s(ReLU(Σ_k W[c,k] A_k)) of the conv → GAP → linear model, by hand: Grad-CAM's map there. */
  private static float[] handGradCam(float[] x, int c) {
    float[] a = TestModels.activations(x, null);
    float[] w = TestModels.fcWeights();
    float[] l = new float[P];
    for (int i = 0; i < P; i++) {
      double s = 0;
      for (int k = 0; k < TestModels.K; k++) {
        s += w[c * TestModels.K + k] * a[k * P + i];
      }
      l[i] = (float) Math.max(0, s);
    }
    return MinMax.normalise(l);
  }

  /** aug-smooth: the mean over flip × {0.9, 1, 1.1} of the hand maps of the augmented inputs, flipped back, not renormalised. */
  @Test
  void augSmoothAveragesTheSixFlippedBackMaps() {
    try (OnnxClassifier m = TestModels.convGapLinear(null, 1f)) {
      float[] x = TestModels.image(8);
      int c = 0;
      SaliencyMap s = new Explainer(m).explain(x, new GradCam(), CamOptions.builder().targetClass(c).augSmooth(true).build());
      double[] mean = new double[P];
      int n = TestModels.SIZE;
      for (boolean flip : new boolean[] {false, true}) {
        for (double f : new double[] {0.9, 1, 1.1}) {
          float[] aug = new float[x.length];
          for (int ch = 0; ch < 3; ch++) {
            for (int y = 0; y < n; y++) {
              for (int col = 0; col < n; col++) {
                aug[(ch * n + y) * n + col] = (float) (f * x[(ch * n + y) * n + (flip ? n - 1 - col : col)]);
              }
            }
          }
          float[] map = handGradCam(aug, c);
          for (int y = 0; y < n; y++) {
            for (int col = 0; col < n; col++) {
              mean[y * n + col] += map[y * n + (flip ? n - 1 - col : col)] / 6.0;
            }
          }
        }
      }
      for (int i = 0; i < P; i++) {
        assertThat((double) s.explanation()[i]).isCloseTo(mean[i], within(1e-5));
      }
      assertThat(s.provenance().options()).containsKey("aug-smooth");
      assertThat(s.provenance().forwardPasses()).isEqualTo(6); // one forward pass per augmented input
    }
  }
}
