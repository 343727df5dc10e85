package dev.sscam.cam;

/** Where SS-CAM adds its Gaussian noise (PAPER.md, Methods; the noise's scale is the reading's {@link NoiseScale}). */
public enum Smoothing {
  /** SS-CAM (1): {@code X0 ∘ (x + ε)}, {@code x = H_k} or the raw {@code U(A_k)} ({@link SsCam1Mask}), {@code ε} of shape H×W. */
  MASK,
  /** SS-CAM (2): {@code X0 ∘ H_k + ε}, {@code ε} of shape 3×H×W. */
  INPUT
}
