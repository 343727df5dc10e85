package dev.sscam.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sscam.io.Npy;
import dev.sscam.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compares the full pipeline (read, PIL-bilinear resize to 224x224, ToTensor, Normalize) with the
 * tensors torchvision produced for the same files (../shared/fixtures/preprocess, see its README):
 * within 1e-4 for PNG sources and 1e-2 for JPEG (decoders may differ by a level).
 */
class PreprocessingFixturesTest {

  static List<String> images() throws IOException {
    Path dir = SharedData.root() == null ? null : SharedData.root().resolve("fixtures/preprocess");
    if (dir == null || !Files.isDirectory(dir)) {
      return List.of("<absent>");
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".png") || n.endsWith(".jpg"))
          .sorted()
          .toList();
    }
  }

  @ParameterizedTest
  @MethodSource("images")
  void matchesTorchvision(String name) {
    Path dir = SharedData.require("fixtures/preprocess");
    Path image = dir.resolve(name);
    String stem = name.substring(0, name.lastIndexOf('.'));
    Npy.Array expected = Npy.read(dir.resolve(stem + ".expected.npy"));
    assertThat(expected.shape()).containsExactly(3, 224, 224);

    float[] actual = Preprocessing.imagenet().apply(image);

    double tolerance = name.endsWith(".png") ? 1e-4 : 1e-2;
    double worst = 0;
    int worstAt = -1;
    for (int i = 0; i < actual.length; i++) {
      double d = Math.abs(actual[i] - expected.data()[i]);
      if (d > worst) {
        worst = d;
        worstAt = i;
      }
    }
    assertThat(worst)
        .as("%s: largest difference %s at flat index %d", name, worst, worstAt)
        .isLessThanOrEqualTo(tolerance);
  }
}
