package dev.sscam.cam;

/**
 * One explanation: the saliency map at feature resolution and the explanation map {@code E = s(U(ReLU(L)))}
 * at input resolution (PAPER.md, Notation), with the class it explains and its provenance.
 *
 * @param classIndex class {@code c} explained
 * @param label that class's label
 * @param score {@code s_c(X0)} under the options' score
 * @param probability {@code softmax(z)_c} of the unmasked input
 * @param logit {@code z_c} of the unmasked input
 * @param cam {@code s(ReLU(L))} at feature resolution, {@code h×w} row-major (torchcam's output form)
 * @param h feature map height
 * @param w feature map width
 * @param explanation {@code E}, {@code H×W} row-major, in [0, 1]
 * @param height input height H
 * @param width input width W
 * @param weights channel weights {@code α_k} as the method computed them (before any softmax)
 * @param allZero whether {@code ReLU(L)} was constant (then {@code cam} and {@code E} are all zeros)
 * @param provenance what produced it
 */
public record SaliencyMap(
    int classIndex,
    String label,
    double score,
    double probability,
    double logit,
    float[] cam,
    int h,
    int w,
    float[] explanation,
    int height,
    int width,
    float[] weights,
    boolean allZero,
    Provenance provenance) {

  /** {@code E(y, x)}. */
  public float at(int y, int x) {
    return explanation[y * width + x];
  }
}
