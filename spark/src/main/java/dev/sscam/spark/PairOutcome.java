package dev.sscam.spark;

import dev.sscam.evaluation.ImageResult;
import java.io.Serializable;
import java.util.Map;

/**
 * What an executor sends back for one pair: its result, or why its image was skipped, and for the
 * report's figure images the figure files core wrote for it ({@code ID.input.png},
 * {@code ID.METHOD.npy}).
 *
 * @param pair the pair
 * @param result the result, or null when skipped
 * @param skipped why the image could not be evaluated (a {@link dev.sscam.SscamException}'s
 *     message), or null
 * @param figureFiles file name inside {@code OUT/figure} → bytes; empty for other images
 */
record PairOutcome(ImagePair pair, ImageResult result, String skipped, Map<String, byte[]> figureFiles)
    implements Serializable {

  PairOutcome {
    figureFiles = Map.copyOf(figureFiles);
  }

  /** A computed pair. */
  static PairOutcome computed(ImagePair pair, ImageResult result, Map<String, byte[]> figureFiles) {
    return new PairOutcome(pair, result, null, figureFiles);
  }

  /** A pair whose image could not be evaluated. */
  static PairOutcome skipped(ImagePair pair, String reason) {
    return new PairOutcome(pair, null, reason, Map.of());
  }
}
