package dev.sscam.cam;

/**
 * How a method's normalised map {@code s(ReLU(L))} enters a fusion of layers ({@code --layer a,b,c},
 * {@link LayerFusion}): torchcam's {@code _scale_cams}, the identity for every method but LayerCAM.
 */
public enum FusionScale {
  /** The map as it is. */
  NONE("s(ReLU(L))"),
  /** LayerCAM's {@code tanh(γ·map)}, γ = 2 (its paper's eq. 9; torchcam's {@code LayerCAM._scale_cams}). */
  TANH_2("tanh(2·s(ReLU(L)))");

  private final String formula;

  FusionScale(String formula) {
    this.formula = formula;
  }

  /** How provenance writes it. */
  public String formula() {
    return formula;
  }

  /** The scaled copy of {@code cam}. */
  public float[] apply(float[] cam) {
    float[] out = cam.clone();
    if (this == TANH_2) {
      for (int i = 0; i < out.length; i++) {
        out[i] = (float) Math.tanh(2.0 * out[i]);
      }
    }
    return out;
  }
}
