package dev.sscam.cam;

import dev.sscam.SscamException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A named {@link Reading} of the score-based methods (PAPER.md). The option values each sets:
 *
 * <table>
 *   <caption>presets</caption>
 *   <tr><th>option</th><th>authors (default)</th><th>equations</th><th>torchcam</th></tr>
 *   <tr><td>score</td><td>probability</td><td>probability</td><td>logit</td></tr>
 *   <tr><td>baseline</td><td>none</td><td>subtract</td><td>subtract</td></tr>
 *   <tr><td>noise-scale</td><td>range-squared</td><td>absolute</td><td>absolute</td></tr>
 *   <tr><td>ss-cam-1-mask</td><td>raw</td><td>normalised</td><td>normalised</td></tr>
 *   <tr><td>channel-weights</td><td>raw</td><td>raw</td><td>softmax</td></tr>
 *   <tr><td>mask-order</td><td>s(U(A))</td><td>s(U(A))</td><td>U(s(A))</td></tr>
 *   <tr><td>sum-at</td><td>input</td><td>feature</td><td>feature</td></tr>
 * </table>
 */
public enum Preset {
  /** The authors' released code, step for step (PAPER.md, "The authors reading"). The default. */
  AUTHORS(new Reading(Score.PROBABILITY, Baseline.NONE, NoiseScale.RANGE_SQUARED, SsCam1Mask.RAW,
      ChannelWeighting.RAW, MaskOrder.UPSAMPLE_THEN_NORMALISE, SumAt.INPUT)),
  /** The paper's equations as printed (called {@code paper} before the authors reading existed). */
  EQUATIONS(new Reading(Score.PROBABILITY, Baseline.SUBTRACT, NoiseScale.ABSOLUTE, SsCam1Mask.NORMALISED,
      ChannelWeighting.RAW, MaskOrder.UPSAMPLE_THEN_NORMALISE, SumAt.FEATURE)),
  /** torchcam's implementation: logit scores, softmax channel weights, {@code U(s(A_k))}. */
  TORCHCAM(new Reading(Score.LOGIT, Baseline.SUBTRACT, NoiseScale.ABSOLUTE, SsCam1Mask.NORMALISED,
      ChannelWeighting.SOFTMAX, MaskOrder.NORMALISE_THEN_UPSAMPLE, SumAt.FEATURE));

  /** The preset used when none is named. */
  public static final Preset DEFAULT = AUTHORS;

  private final Reading reading;

  Preset(Reading reading) {
    this.reading = reading;
  }

  /** The options this preset sets. */
  public Reading reading() {
    return reading;
  }

  /** The name as on the command line ({@code authors}). */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@code authors}, {@code equations} or {@code torchcam}; {@code paper}, the name of
   * {@code equations} in sscam before 0.2 (and in older evaluation folders), is read as {@code equations}.
   */
  public static Preset parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    if (n.equals("paper")) {
      return EQUATIONS;
    }
    for (Preset p : values()) {
      if (p.id().equals(n)) {
        return p;
      }
    }
    throw new SscamException("unknown preset '" + name + "' (expected "
        + Arrays.stream(values()).map(Preset::id).collect(Collectors.joining(", ")) + ")");
  }
}
