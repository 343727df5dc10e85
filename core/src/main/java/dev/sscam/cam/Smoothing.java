package dev.sscam.cam;

/** Where SS-CAM adds its Gaussian noise (PAPER.md, Methods). */
public enum Smoothing {
  /** SS-CAM (1): {@code X0 ∘ (H_k + ε)}, {@code ε ~ N(0, σ²)} of shape H×W. */
  MASK,
  /** SS-CAM (2): {@code X0 ∘ H_k + ε}, {@code ε ~ N(0, σ²)} of shape 3×H×W. */
  INPUT
}
