package dev.sscam.metrics;

import dev.sscam.SscamException;

/**
 * The shape of one preprocessed model input, {@code C×H×W}; its data is a {@code float[C·H·W]} in
 * CHW order (index {@code (c·H + y)·W + x}).
 *
 * @param channels C
 * @param height H (rows, y)
 * @param width W (columns, x)
 */
public record InputShape(int channels, int height, int width) {

  /** Validates that every dimension is positive. */
  public InputShape {
    if (channels <= 0 || height <= 0 || width <= 0) {
      throw new SscamException("input shape must be positive, got " + channels + "x" + height + "x" + width);
    }
  }

  /** {@code H·W}, the number of pixels. */
  public int pixels() {
    return height * width;
  }

  /** {@code C·H·W}, the number of floats of one input. */
  public int size() {
    return channels * height * width;
  }

  void requireInput(String what, float[] data) {
    if (data.length != size()) {
      throw new SscamException(what + " has " + data.length + " values, expected " + channels + "x" + height + "x"
          + width + " = " + size());
    }
  }

  void requireMap(String what, float[] map) {
    if (map.length != pixels()) {
      throw new SscamException(what + " has " + map.length + " values, expected " + height + "x" + width + " = "
          + pixels());
    }
  }
}
