package dev.sscam.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sscam.SscamException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {
  @TempDir Path dir;

  @Test
  void listsImagesSortedCaseInsensitively() throws Exception {
    for (String name : List.of("b.PNG", "a.jpg", "c.Jpeg", "d.bmp", "e.gif", "notes.txt", "f.tiff")) {
      Files.writeString(dir.resolve(name), "");
    }
    Files.createDirectories(dir.resolve("sub.jpg")); // a folder, not an image
    ImageFolder f = ImageFolder.open(dir);
    assertThat(f.ids()).containsExactly("a", "b", "c", "d", "e");
    DatasetItem b = f.item(1);
    assertThat(b.image()).isEqualTo(dir.resolve("b.PNG"));
    assertThat(b.label()).isEqualTo(-1);
    assertThat(b.hasLabel()).isFalse();
    assertThat(b.boxes()).isEmpty();
    assertThat(b.mask()).isNull();
    // a subset of everything is everything, in order
    assertThat(f.randomSubset(10, 1)).extracting(DatasetItem::id).containsExactly("a", "b", "c", "d", "e");
    assertThat(f.randomSubset(3, 1)).hasSize(3).extracting(DatasetItem::id).isSorted();
    assertThatThrownBy(() -> f.randomSubset(0, 1)).isInstanceOf(SscamException.class);
  }

  @Test
  void refusesMissingOrEmptyFolders() throws Exception {
    assertThatThrownBy(() -> ImageFolder.open(dir.resolve("absent")))
        .isInstanceOf(SscamException.class).hasMessageContaining("does not exist");
    Files.writeString(dir.resolve("readme.txt"), "");
    assertThatThrownBy(() -> ImageFolder.open(dir))
        .isInstanceOf(SscamException.class).hasMessageContaining("no images");
  }

  @Test
  void subsetFollowsTheDocumentedShuffle() throws Exception {
    for (int i = 0; i < 10; i++) {
      Files.writeString(dir.resolve("img" + i + ".png"), "");
    }
    ImageFolder f = ImageFolder.open(dir);
    // the documented draw, replayed: Fisher–Yates with SplittableRandom(99), first 4, sorted
    int[] order = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    java.util.SplittableRandom r = new java.util.SplittableRandom(99);
    for (int i = 9; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    int[] first = java.util.Arrays.copyOf(order, 4);
    java.util.Arrays.sort(first);
    assertThat(f.randomSubset(4, 99)).extracting(DatasetItem::id)
        .containsExactly("img" + first[0], "img" + first[1], "img" + first[2], "img" + first[3]);
  }
}
