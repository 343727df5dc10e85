package dev.sscam.cam;

/** What SS-CAM (1) adds its noise to before masking the input (PAPER.md, option {@code ss-cam-1-mask}). */
public enum SsCam1Mask {
  /** The normalised mask {@code H_k}: {@code X0 ∘ (H_k + ε)} (the equations as printed, torchcam). */
  NORMALISED,
  /** The raw upsampled activation {@code U(A_k)}: {@code X0 ∘ (U(A_k) + ε)} (the authors' code). */
  RAW;

  /** Parses {@code normalised} or {@code raw}. */
  public static SsCam1Mask parse(String s) {
    return ReadingOption.parse(SsCam1Mask.class, "ss-cam-1-mask", s);
  }
}
