package dev.sscam.cam;

import dev.sscam.SscamException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One reading of the score-based methods' equations: every choice where the SS-CAM paper's
 * equations, its authors' released code and torchcam disagree (PAPER.md). A {@link Preset} names
 * one reading; any option can be overridden on top of it. Gradient methods (Grad-CAM, Grad-CAM++,
 * Smooth Grad-CAM++) and CAM use none of these options, so they give the same map under every reading.
 *
 * @param score {@code s_c}: softmax probability or logit
 * @param baseline whether {@code s_c(X_b)} is subtracted from score weights
 * @param noiseScale SS-CAM's noise std: {@code σ}, or {@code (σ / range(x))²}
 * @param ssCam1Mask what SS-CAM (1) adds noise to: {@code H_k} or the raw {@code U(A_k)}
 * @param channelWeights score weights as computed, or their softmax over channels
 * @param maskOrder {@code H_k = s(U(A_k))} or {@code U(s(A_k))}
 * @param sumAt ReLU at feature resolution (then upsample) or at input resolution
 */
public record Reading(
    Score score,
    Baseline baseline,
    NoiseScale noiseScale,
    SsCam1Mask ssCam1Mask,
    ChannelWeighting channelWeights,
    MaskOrder maskOrder,
    SumAt sumAt) {

  /** The option names, as on the command line and in provenance, in this order. */
  public static final List<String> OPTIONS =
      List.of("score", "baseline", "noise-scale", "ss-cam-1-mask", "channel-weights", "mask-order", "sum-at");

  public Reading {
    if (score == null || baseline == null || noiseScale == null || ssCam1Mask == null || channelWeights == null
        || maskOrder == null || sumAt == null) {
      throw new SscamException("every reading option must be set");
    }
  }

  /** Option name → value as spelled on the command line, in {@link #OPTIONS} order. */
  public Map<String, String> asMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("score", ReadingOption.name(score));
    m.put("baseline", ReadingOption.name(baseline));
    m.put("noise-scale", ReadingOption.name(noiseScale));
    m.put("ss-cam-1-mask", ReadingOption.name(ssCam1Mask));
    m.put("channel-weights", ReadingOption.name(channelWeights));
    m.put("mask-order", maskOrder.formula());
    m.put("sum-at", ReadingOption.name(sumAt));
    return m;
  }

  /** This reading with option {@code name} set to {@code value} (both as on the command line). */
  public Reading with(String name, String value) {
    return switch (name) {
      case "score" -> new Reading(Score.parse(value), baseline, noiseScale, ssCam1Mask, channelWeights, maskOrder, sumAt);
      case "baseline" -> new Reading(score, Baseline.parse(value), noiseScale, ssCam1Mask, channelWeights, maskOrder, sumAt);
      case "noise-scale" -> new Reading(score, baseline, NoiseScale.parse(value), ssCam1Mask, channelWeights, maskOrder, sumAt);
      case "ss-cam-1-mask" -> new Reading(score, baseline, noiseScale, SsCam1Mask.parse(value), channelWeights, maskOrder, sumAt);
      case "channel-weights" -> new Reading(score, baseline, noiseScale, ssCam1Mask, ChannelWeighting.parse(value), maskOrder, sumAt);
      case "mask-order" -> new Reading(score, baseline, noiseScale, ssCam1Mask, channelWeights, MaskOrder.parse(value), sumAt);
      case "sum-at" -> new Reading(score, baseline, noiseScale, ssCam1Mask, channelWeights, maskOrder, SumAt.parse(value));
      default -> throw new SscamException("unknown reading option '" + name + "' (known: " + String.join(", ", OPTIONS) + ")");
    };
  }

  /** This reading with every entry of {@code values} (option → value) applied; absent options keep theirs. */
  public Reading with(Map<String, String> values) {
    Reading r = this;
    for (Map.Entry<String, String> e : values.entrySet()) {
      if (e.getValue() != null) {
        r = r.with(e.getKey(), e.getValue());
      }
    }
    return r;
  }

  /** The names of the options whose values differ from {@code other}'s, in {@link #OPTIONS} order. */
  public List<String> differences(Reading other) {
    Map<String, String> mine = asMap();
    Map<String, String> theirs = other.asMap();
    List<String> out = new ArrayList<>();
    for (String k : OPTIONS) {
      if (!mine.get(k).equals(theirs.get(k))) {
        out.add(k);
      }
    }
    return out;
  }
}
