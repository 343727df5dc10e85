package dev.sscam.cam.gradient;

import dev.sscam.cam.CamContext;
import dev.sscam.cam.PositionMap;

/**
 * The shape shared by the gradient methods that weigh each position on its own: {@code L(i,j) =
 * Σ_k t(g_k(i,j), A_k(i,j))} for a per-element term {@code t}, with {@code g = ∂z_c/∂A} (one gradient
 * pass). Each channel's reported weight is its mean contribution, {@code mean_ij t(g_k, A_k)}.
 */
@FunctionalInterface
interface ElementwiseSum {
  /** The term {@code t(g, a)} of one channel at one position. */
  double term(double g, double a);

  /** {@code L} and the channels' mean contributions, accumulated in double. */
  default PositionMap map(CamContext ctx) {
    float[] g = ctx.gradients().gradients();
    float[] a = ctx.activations();
    int size = ctx.featureSize();
    double[] l = new double[size];
    float[] mean = new float[ctx.channels()];
    float[] terms = new float[a.length];
    for (int k = 0; k < mean.length; k++) {
      double total = 0;
      for (int p = 0; p < size; p++) {
        double t = term(g[k * size + p], a[k * size + p]);
        terms[k * size + p] = (float) t;
        l[p] += t;
        total += t;
      }
      mean[k] = (float) (total / size);
    }
    float[] out = new float[size];
    for (int p = 0; p < size; p++) {
      out[p] = (float) l[p];
    }
    return new PositionMap(out, mean, ctx.gradientPasses(), terms);
  }
}
