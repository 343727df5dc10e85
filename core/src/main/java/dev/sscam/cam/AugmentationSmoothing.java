package dev.sscam.cam;

import dev.sscam.Progress;
import java.util.ArrayList;
import java.util.List;

/**
 * pytorch-grad-cam's {@code aug_smooth} ({@code BaseCAM.forward_augmentation_smoothing} with its
 * default {@code tta.Compose([HorizontalFlip(), Multiply(factors=[0.9, 1, 1.1])])}): the map of each
 * of the six inputs {@code flip? (f · X0)}, {@code f ∈ {0.9, 1, 1.1}}, applied to the preprocessed
 * tensor, is flipped back where the input was flipped, and {@code E} is their mean, not normalised
 * again (as pytorch-grad-cam returns it: each map is in [0, 1], their mean need not reach 1). {@code
 * cam} is likewise the mean of the six feature-resolution maps flipped back; the reported weights
 * are the mean of the six.
 *
 * <p>The class is chosen once, on {@code X0} (pytorch-grad-cam does so when given targets; without
 * targets it takes each augmented input's own top-1).
 */
final class AugmentationSmoothing {
  /** How provenance names it. */
  static final String DESCRIPTION = "mean of E over horizontal flip x input scale {0.9, 1, 1.1}, flipped back"
      + " (pytorch-grad-cam aug_smooth)";
  /** ttach's Multiply factors. */
  static final float[] FACTORS = {0.9f, 1f, 1.1f};

  private AugmentationSmoothing() {}

  static SaliencyMap explain(Explainer explainer, float[] input, CamMethod method, CamOptions options, Progress progress) {
    long t0 = System.nanoTime();
    CamOptions plain = options.toBuilder().augSmooth(false).build();
    // X0 itself first: it fixes the class for the five others.
    SaliencyMap first = explainer.explain(input, method, plain, progress);
    CamOptions fixed = plain.toBuilder().targetClass(first.classIndex()).build();
    List<SaliencyMap> maps = new ArrayList<>();
    List<Boolean> flipped = new ArrayList<>();
    for (boolean flip : new boolean[] {false, true}) {
      for (float f : FACTORS) {
        if (!flip && f == 1f) {
          maps.add(first);
        } else {
          maps.add(explainer.explain(augmented(input, flip, f, first.height(), first.width()), method, fixed, progress));
        }
        flipped.add(flip);
      }
    }
    double[] e = new double[first.explanation().length];
    double[] cam = new double[first.cam().length];
    double[] alpha = new double[first.weights().length];
    long passes = 0;
    for (int i = 0; i < maps.size(); i++) {
      SaliencyMap m = maps.get(i);
      float[] mapE = flipped.get(i) ? flipped(m.explanation(), m.height(), m.width()) : m.explanation();
      float[] mapCam = flipped.get(i) ? flipped(m.cam(), m.h(), m.w()) : m.cam();
      for (int p = 0; p < e.length; p++) {
        e[p] += mapE[p] / (double) maps.size();
      }
      for (int p = 0; p < cam.length; p++) {
        cam[p] += mapCam[p] / (double) maps.size();
      }
      for (int k = 0; k < alpha.length && k < m.weights().length; k++) {
        alpha[k] += m.weights()[k] / (double) maps.size();
      }
      passes += m.provenance().forwardPasses();
    }
    float[] eOut = floats(e);
    Provenance fp = first.provenance();
    // The inner map's options (a fusion names itself there), with the smoothing named.
    java.util.Map<String, Object> opts = new java.util.LinkedHashMap<>(fp.options());
    opts.put("aug-smooth", DESCRIPTION);
    Provenance p = new Provenance(fp.method(), opts, fp.seed(), fp.layer(), fp.layerTensor(), fp.layerReading(),
        fp.model(), fp.modelSha256(), passes, (System.nanoTime() - t0) / 1e9, FastEstimate.combined(maps));
    return new SaliencyMap(first.classIndex(), first.label(), first.score(), first.probability(), first.logit(), floats(cam),
        first.h(), first.w(), eOut, first.height(), first.width(), floats(alpha), MinMax.isConstant(eOut, 0, eOut.length), p);
  }

  /** {@code flip? (f · x)} for a 3×H×W tensor; flipping mirrors each row. */
  static float[] augmented(float[] x, boolean flip, float f, int height, int width) {
    float[] out = new float[x.length];
    for (int ch = 0; ch < 3; ch++) {
      for (int y = 0; y < height; y++) {
        int row = (ch * height + y) * width;
        for (int c = 0; c < width; c++) {
          out[row + c] = f * x[row + (flip ? width - 1 - c : c)];
        }
      }
    }
    return out;
  }

  /** An {@code h×w} map mirrored left to right. */
  static float[] flipped(float[] m, int h, int w) {
    float[] out = new float[m.length];
    for (int y = 0; y < h; y++) {
      for (int c = 0; c < w; c++) {
        out[y * w + c] = m[y * w + w - 1 - c];
      }
    }
    return out;
  }

  private static float[] floats(double[] v) {
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) v[i];
    }
    return out;
  }
}
