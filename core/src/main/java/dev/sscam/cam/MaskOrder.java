package dev.sscam.cam;

/** Order of upsampling and normalisation when an activation channel becomes a mask {@code H_k}. */
public enum MaskOrder {
  /** The paper's {@code H_k = s(U(A_k))}. */
  UPSAMPLE_THEN_NORMALISE,
  /** torchcam's {@code H_k = U(s(A_k))}. */
  NORMALISE_THEN_UPSAMPLE
}
