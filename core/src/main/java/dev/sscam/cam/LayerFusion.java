package dev.sscam.cam;

import dev.sscam.Progress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Several target layers at once ({@code --layer a,b,c}), fused as torchcam's {@code fuse_cams}: each
 * layer's {@code cam = s(ReLU(L))} at its own resolution, scaled by the method's {@link FusionScale}
 * (LayerCAM's {@code tanh(2·cam)} (torchcam's {@code LayerCAM._scale_cams}, γ = 2, the LayerCAM paper's eq. 9; torchcam
 * applies it to every fused layer, the paper names the shallow ones: sscam follows the code), each
 * resampled bilinearly ({@code align_corners = false}) to the largest height and width among them (the
 * finest layer's grid), then their element-wise maximum. The fused map {@code F} then takes the place
 * of {@code ReLU(L)}: {@code cam = s(F)} and {@code E = s(U(F))}.
 *
 * <p>The class is chosen once (on the first layer) and explained at every layer. Reading overrides
 * ({@code NAME[tokens=P,...]}) belong to the layer they are written after.
 */
final class LayerFusion {
  private LayerFusion() {}

  /** How provenance names the fusion. */
  static String description(CamMethod method) {
    return "max of " + method.fusionScale().formula() + " over layers at the finest grid (torchcam fuse_cams)";
  }

  /** The layer ids in {@code spec}: split at commas outside {@code [..]}; one (possibly null) for a single layer. */
  static List<String> layers(String spec) {
    List<String> out = new ArrayList<>();
    if (spec == null) {
      out.add(null);
      return out;
    }
    int depth = 0;
    int start = 0;
    for (int i = 0; i < spec.length(); i++) {
      char ch = spec.charAt(i);
      if (ch == '[') {
        depth++;
      } else if (ch == ']') {
        depth--;
      } else if (ch == ',' && depth == 0) {
        out.add(spec.substring(start, i).trim());
        start = i + 1;
      }
    }
    out.add(spec.substring(start).trim());
    return out;
  }

  /** The fused map of every layer {@code options} names. */
  static SaliencyMap explain(Explainer explainer, float[] input, CamMethod method, CamOptions options, Progress progress) {
    long t0 = System.nanoTime();
    List<SaliencyMap> maps = new ArrayList<>();
    int c = options.targetClass();
    for (String layer : layers(options.layer())) {
      SaliencyMap m = explainer.explainAtOneLayer(input, method, options.toBuilder().layer(layer).targetClass(c).build(),
          progress);
      c = m.classIndex();
      maps.add(m);
    }
    int h = 0;
    int w = 0;
    for (SaliencyMap m : maps) {
      h = Math.max(h, m.h());
      w = Math.max(w, m.w());
    }
    float[] fused = fuse(maps, method.fusionScale(), h, w);
    SaliencyMap first = maps.get(0);
    float[] e = Explainer.relu(new BilinearUpsample(h, w, first.height(), first.width()).apply(fused));
    boolean allZero = MinMax.isConstant(e, 0, e.length);
    MinMax.normaliseInPlace(e);
    float[] cam = MinMax.normalise(fused);
    Map<String, Object> opts = new LinkedHashMap<>(options.asMap());
    opts.put("fusion", description(method));
    List<String> names = new ArrayList<>();
    List<String> tensors = new ArrayList<>();
    List<String> readings = new ArrayList<>();
    long passes = 0;
    int weights = 0;
    for (SaliencyMap m : maps) {
      names.add(m.provenance().layer());
      tensors.add(m.provenance().layerTensor());
      readings.add(m.provenance().layerReading());
      passes += m.provenance().forwardPasses();
      weights += m.weights().length;
    }
    float[] alpha = new float[weights];
    int at = 0;
    for (SaliencyMap m : maps) {
      System.arraycopy(m.weights(), 0, alpha, at, m.weights().length);
      at += m.weights().length;
    }
    Provenance p = new Provenance(method.id(), opts, options.seed(), String.join(",", names), String.join(",", tensors),
        String.join(",", readings), first.provenance().model(), first.provenance().modelSha256(), passes,
        (System.nanoTime() - t0) / 1e9, FastEstimate.combined(maps));
    return new SaliencyMap(first.classIndex(), first.label(), first.score(), first.probability(), first.logit(), cam, h, w, e,
        first.height(), first.width(), alpha, allZero, p);
  }

  /**
   * The element-wise maximum of the layers' {@code cam}s, each scaled by {@code scale} and resampled
   * to {@code h×w}.
   */
  static float[] fuse(List<SaliencyMap> maps, FusionScale scale, int h, int w) {
    float[] fused = new float[h * w];
    java.util.Arrays.fill(fused, Float.NEGATIVE_INFINITY);
    for (SaliencyMap m : maps) {
      float[] cam = scale.apply(m.cam());
      float[] at = new BilinearUpsample(m.h(), m.w(), h, w).apply(cam);
      for (int i = 0; i < fused.length; i++) {
        fused[i] = Math.max(fused[i], at[i]);
      }
    }
    return fused;
  }
}
