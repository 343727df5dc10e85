package dev.sscam.testing;

import dev.sscam.image.Preprocessing;
import dev.sscam.model.OnnxClassifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Top-1 accuracy of a classifier on the first scenes of FashionScenes' validation set, as a model card states it. */
public final class FirstScenesTop1 {
  private FirstScenesTop1() {}

  /**
   * The share of the first {@code count} scenes of {@code val} (its {@code ground_truth.txt} order)
   * whose top-1 class is the label, each preprocessed as the model's card says.
   */
  public static double of(OnnxClassifier m, Path val, int count) throws IOException {
    List<String> lines = Files.readAllLines(val.resolve("ground_truth.txt")).subList(0, count);
    Preprocessing pre = m.card().preprocessing();
    int per = m.imageSize();
    float[] all = new float[lines.size() * per];
    int[] labels = new int[lines.size()];
    for (int i = 0; i < lines.size(); i++) {
      String[] f = lines.get(i).trim().split("\\s+");
      System.arraycopy(pre.apply(val.resolve("images").resolve(f[0])), 0, all, i * per, per);
      labels[i] = Integer.parseInt(f[1]);
    }
    float[][] z = m.logits(all, lines.size());
    int correct = 0;
    for (int i = 0; i < z.length; i++) {
      int best = 0;
      for (int c = 1; c < z[i].length; c++) {
        if (z[i][c] > z[i][best]) {
          best = c;
        }
      }
      correct += best == labels[i] ? 1 : 0;
    }
    return correct / (double) count;
  }
}
