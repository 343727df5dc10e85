package dev.sscam.cam;

/**
 * The eigenvector of a symmetric positive semi-definite matrix's largest eigenvalue by power
 * iteration, {@code v ← G v / ‖G v‖}, for the Gram matrices of {@link PrincipalProjection} (which
 * need that one vector, not the whole decomposition).
 *
 * <p>It stops only with a certificate: the residual {@code r = G v − λ v}, {@code λ = vᵀ G v}, bounds
 * the angle to the true eigenvector by {@code sin θ ≤ ‖r‖ / (λ₁ − λ₂)} (Davis–Kahan), and the gap is
 * estimated from the residual's contraction per step, {@code ρ ≈ λ₂/λ₁}, as {@code λ (1 − ρ)}. From
 * the first contracting step after {@value #SHIFT_AT} it iterates with {@code G − μ},
 * {@code μ = ρλ/2 ≈ λ₂/2}, which halves the steps a slow contraction needs; the gap is then
 * {@code (λ − μ)(1 − ρ')}, ρ' the shifted steps' contraction (on the ViT's Eigen-Grad-CAM maps the
 * steps were 5–105, the matrix products half the map's Java time). It returns when
 * {@code ‖r‖ ≤ 10⁻¹² λ} and that bound is at most {@value #ANGLE}; with a near-tie of the top two
 * eigenvalues (ρ near 1), a zero matrix, or a contraction too slow to converge in
 * {@value #STEPS_PER_ROW}·n steps (at least 100) it returns null, and the caller decomposes the whole
 * matrix. That budget is measured, not the n steps an n³ count suggests: Commons Math's whole
 * decomposition of a 96 × 96 Gram matrix takes 2.2 ms, a step 2 µs (about 11·n steps), and with the
 * old budget of n steps a ViT map whose λ₂/λ₁ was 0.87 (about 110 shifted steps) paid the 2.2 ms.
 */
final class PowerIteration {
  static final int MAX_ITERATIONS = 2000;
  /** The stopping residual, relative to λ. */
  static final double RESIDUAL = 1e-12;
  /** The largest accepted bound on sin θ. */
  static final double ANGLE = 1e-9;
  /** The step after which the iteration is shifted (the contraction measured over the steps before). */
  static final int SHIFT_AT = 4;
  /** Steps before a slow or growing residual gives the iteration up. */
  static final int TRANSIENT = 30;
  /** Steps allowed per row of the matrix before the whole decomposition is cheaper (measured, see above). */
  static final int STEPS_PER_ROW = 8;

  private PowerIteration() {}

  /** The unit top eigenvector of {@code g} (any sign), or null when it is not certified. */
  static double[] topEigenvector(double[][] g) {
    int n = g.length;
    // Start from the column of largest norm: G e_j = Σ λ_i u_i u_i[j] leans towards u_1. The squared
    // norms accumulate row by row (axpys), not column by column (chains of additions).
    double[] norms = new double[n];
    for (int i = 0; i < n; i++) {
      double[] row = g[i];
      for (int j = 0; j < n; j++) {
        norms[j] += row[j] * row[j];
      }
    }
    int start = 0;
    double startNorm = -1;
    for (int j = 0; j < n; j++) {
      if (norms[j] > startNorm) {
        startNorm = norms[j];
        start = j;
      }
    }
    if (!(startNorm > 0)) {
      return null;
    }
    // Plus a seeded jitter of 1% of its norm: a column that is exactly an eigenvector of a lower
    // eigenvalue (a block of G uncorrelated with the rest) would otherwise stay one, with residual 0.
    double[] v = new double[n];
    java.util.SplittableRandom jitter = new java.util.SplittableRandom(n);
    double scale = 0.01 * Math.sqrt(startNorm / n);
    for (int i = 0; i < n; i++) {
      v[i] = g[i][start] + scale * jitter.nextGaussian();
    }
    normalize(v);
    double[] w = new double[n];
    double previous = Double.NaN;
    double shift = 0;
    for (int it = 0; it < MAX_ITERATIONS; it++) {
      // w = G v as Σ_j v_j G[j, ·] (G is symmetric): axpys the JIT vectorises, not dot products.
      java.util.Arrays.fill(w, 0);
      for (int j = 0; j < n; j++) {
        double vj = v[j];
        double[] row = g[j];
        for (int i = 0; i < n; i++) {
          w[i] += vj * row[i];
        }
      }
      double lambda = 0;
      for (int i = 0; i < n; i++) {
        lambda += v[i] * w[i];
      }
      if (!(lambda > 0)) {
        return null;
      }
      double residual = 0;
      for (int i = 0; i < n; i++) {
        double d = w[i] - lambda * v[i];
        residual += d * d;
      }
      residual = Math.sqrt(residual);
      boolean measured = previous > 0;
      double rho = measured ? residual / previous : 0;
      // The gap λ₁ − λ₂ from the contraction of (G − μ) steps: ρ = (λ₂ − μ)/(λ₁ − μ).
      double gap = (lambda - shift) * (1 - rho);
      // Right after the shift its contraction is not known yet: one more step before judging.
      if (residual <= RESIDUAL * lambda && (measured || shift == 0)) {
        return rho < 1 && RESIDUAL * lambda / gap <= ANGLE ? v : null;
      }
      // Steps still needed at this contraction; past the budget the whole decomposition is the
      // cheaper way. Not judged before TRANSIENT steps: from a start that leans on the second
      // eigenvector the residual grows for a while before it contracts (a ViT map with λ₂/λ₁ =
      // 0.87: ×1.1 a step over steps 3–10, then ρ near 1 as it turns).
      if (it >= TRANSIENT && measured && (rho >= 1
          || it + Math.log(RESIDUAL * lambda / residual) / Math.log(rho) > Math.max(100, STEPS_PER_ROW * n))) {
        return null;
      }
      if (it >= SHIFT_AT && shift == 0 && measured && rho < 1) {
        // From here, steps of G − μ with μ = ρλ/2 ≈ λ₂/2, the shift that best separates λ₁ from the
        // rest of a positive semi-definite spectrum [0, λ₂]: the contraction drops from λ₂/λ₁ to
        // λ₂/(2λ₁ − λ₂) (0.6 → 0.43, 0.9 → 0.82), about half the steps. A μ above λ₂/2 (ρ still
        // settling) only slows the steps and makes the gap estimate smaller, never larger.
        shift = rho * lambda / 2;
        previous = Double.NaN;
      } else {
        previous = residual;
      }
      for (int i = 0; i < n; i++) {
        v[i] = w[i] - shift * v[i];
      }
      normalize(v);
    }
    return null;
  }

  /** {@code v / ‖v‖} in place (a zero vector stays zero). */
  static void normalize(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    double norm = Math.sqrt(s);
    if (norm > 0) {
      for (int i = 0; i < v.length; i++) {
        v[i] /= norm;
      }
    }
  }
}
