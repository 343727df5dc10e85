package dev.sscam.cam;

/** Order of upsampling and normalisation when an activation channel becomes a mask {@code H_k}. */
public enum MaskOrder {
  /** The paper's {@code H_k = s(U(A_k))} (equations, authors). */
  UPSAMPLE_THEN_NORMALISE,
  /** torchcam's {@code H_k = U(s(A_k))}. */
  NORMALISE_THEN_UPSAMPLE;

  /** The formula, for provenance: {@code s(U(A))} or {@code U(s(A))}. */
  public String formula() {
    return this == UPSAMPLE_THEN_NORMALISE ? "s(U(A))" : "U(s(A))";
  }

  /** Parses {@code s(U(A))}/{@code upsample-then-normalise} or {@code U(s(A))}/{@code normalise-then-upsample}. */
  public static MaskOrder parse(String s) {
    String t = s.trim().replace(" ", "");
    for (MaskOrder m : values()) {
      if (m.formula().equalsIgnoreCase(t)) {
        return m;
      }
    }
    return ReadingOption.parse(MaskOrder.class, "mask-order", s);
  }
}
