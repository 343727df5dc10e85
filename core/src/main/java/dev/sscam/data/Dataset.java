package dev.sscam.data;

import dev.sscam.SscamException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * An evaluation set: images in name order, each read into a {@link DatasetItem} on demand (so
 * opening a 50,000-image folder lists it without parsing every annotation).
 */
public interface Dataset {

  /** The image ids (names without extension), sorted; position = item index. */
  List<String> ids();

  /** The number of images. */
  default int size() {
    return ids().size();
  }

  /**
   * Reads item {@code index} (its annotation, label and mask path).
   *
   * @throws SscamException naming the file when its annotation is broken or disagrees with its label
   */
  DatasetItem item(int index);

  /** Every item, in id order (reads every annotation). */
  default List<DatasetItem> items() {
    List<DatasetItem> all = new ArrayList<>(size());
    for (int i = 0; i < size(); i++) {
      all.add(item(i));
    }
    return all;
  }

  /**
   * A seeded random subset of {@code m} items (the paper drew 2,000 validation images).
   *
   * <p>The indices 0..N−1 are shuffled by Fisher–Yates with {@code new SplittableRandom(seed)}
   * (for i = N−1 down to 1, swap i with {@code nextInt(i + 1)}); the first {@code m} are taken and
   * returned in id order. The same seed and dataset give the same subset on any machine, and a
   * smaller {@code m} with the same seed gives a subset of the larger one. With {@code m ≥ N},
   * every item.
   *
   * @param m how many items, ≥ 1
   * @param seed the random seed
   */
  default List<DatasetItem> randomSubset(int m, long seed) {
    int[] chosen = randomIndices(m, seed);
    List<DatasetItem> items = new ArrayList<>(chosen.length);
    for (int i : chosen) {
      items.add(item(i));
    }
    return items;
  }

  /**
   * The indices of {@link #randomSubset}, ascending, without reading any item (an evaluation reads
   * each item when it gets to it, so one broken annotation costs one image, not the run).
   */
  default int[] randomIndices(int m, long seed) {
    if (m < 1) {
      throw new SscamException("a subset needs at least 1 image, got " + m);
    }
    int n = size();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    int[] chosen = Arrays.copyOf(order, Math.min(m, n));
    Arrays.sort(chosen);
    return chosen;
  }
}
