package dev.sscam.spark;

import dev.sscam.evaluation.ImageResult;
import java.io.Serializable;
import java.util.Map;

/**
 * What an executor sends back for one pair: its result line and, for the report's figure images,
 * the figure files core wrote for it ({@code figure/ID.input.png}, {@code figure/ID.METHOD.npy}).
 *
 * @param result the pair's result
 * @param figureFiles file name inside {@code OUT/figure} → bytes; empty for other images
 */
record PairOutcome(ImageResult result, Map<String, byte[]> figureFiles) implements Serializable {

  PairOutcome {
    figureFiles = Map.copyOf(figureFiles);
  }
}
