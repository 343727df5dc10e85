package dev.sscam.cam;

import java.util.stream.IntStream;

/** The channels that need forward passes (PAPER.md: skipping the others is exact). */
public final class ActiveChannels {
  private ActiveChannels() {}

  /** Channels whose activation varies (a constant one gives {@code H_k = 0}). */
  public static int[] nonConstant(CamContext ctx) {
    return IntStream.range(0, ctx.channels()).filter(k -> !ctx.isConstant(k)).toArray();
  }

  /** Channels not zero everywhere (a zero one adds nothing to {@code L} whatever its weight). */
  public static int[] nonZero(CamContext ctx) {
    return IntStream.range(0, ctx.channels()).filter(k -> !ctx.isZero(k)).toArray();
  }
}
