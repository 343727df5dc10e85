package dev.sscam.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sscam.metrics.PixelBox;
import dev.sscam.metrics.Region;
import dev.sscam.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Reads the shared FashionScenes benchmark and checks items against its files read independently. */
class FashionScenesTest {

  @Test
  void labelsBoxesAndMasksMatchTheFiles() throws Exception {
    Path root = SharedData.require("benchmark/fashion-scenes");
    IlsvrcValidation ds = IlsvrcValidation.open(root);
    assertThat(ds.size()).isEqualTo(2000);
    assertThat(ds.ids().get(0)).isEqualTo("FS2026_val_00000001");
    assertThat(ds.groundTruthFile()).contains(root.resolve("val/ground_truth.txt").toAbsolutePath().normalize());
    assertThat(ds.synsets().orElseThrow().size()).isEqualTo(10);
    assertThat(ds.synsets().orElseThrow().name(1)).isEqualTo("Trouser");

    List<String> gt = Files.readAllLines(root.resolve("val/ground_truth.txt"));
    Pattern box = Pattern.compile(
        "<name>(\\w+)</name>.*?<xmin>(\\d+)</xmin><ymin>(\\d+)</ymin><xmax>(\\d+)</xmax><ymax>(\\d+)</ymax>", Pattern.DOTALL);
    for (int i : new int[] {0, 1, 2, 3, 4, 1234, 1999}) {
      DatasetItem item = ds.item(i);
      String[] line = gt.get(i).split(" ");
      assertThat(item.image().getFileName().toString()).isEqualTo(line[0]);
      assertThat(item.label()).as(item.id()).isEqualTo(Integer.parseInt(line[1]));
      assertThat(item.width()).isEqualTo(224);
      assertThat(item.height()).isEqualTo(224);

      String xml = Files.readString(root.resolve("val/annotations/" + item.id() + ".xml"));
      Matcher m = box.matcher(xml);
      assertThat(m.find()).isTrue();
      PixelBox expected = new PixelBox(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
          Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)));
      assertThat(item.boxes()).containsExactly(new BoundingBox(m.group(1), item.label(), expected));
      assertThat(m.group(1)).isEqualTo(String.format("fs%02d", item.label()));
      assertThat(item.boxesOf(item.label())).containsExactly(expected);

      // the box is the tight box of the mask (README), 0-based inclusive: check it from the mask
      assertThat(item.mask()).isEqualTo(root.resolve("val/masks/" + item.id() + ".png").toAbsolutePath().normalize());
      ObjectMask mask = ObjectMask.read(item.mask());
      int x0 = Integer.MAX_VALUE;
      int y0 = Integer.MAX_VALUE;
      int x1 = -1;
      int y1 = -1;
      for (int y = 0; y < mask.height(); y++) {
        for (int x = 0; x < mask.width(); x++) {
          if (mask.pixels()[y * mask.width() + x]) {
            x0 = Math.min(x0, x);
            y0 = Math.min(y0, y);
            x1 = Math.max(x1, x);
            y1 = Math.max(y1, y);
          }
        }
      }
      assertThat(new PixelBox(x0, y0, x1, y1)).as("mask box of " + item.id()).isEqualTo(expected);
      // the mask lies inside its box, so its region is a subset of the box region
      Region maskRegion = mask.region(224, 224);
      Region boxRegion = Region.ofBoxes(List.of(expected), 224, 224, 224, 224);
      assertThat(maskRegion.pixelCount()).isPositive().isLessThanOrEqualTo(boxRegion.pixelCount());
    }
  }

  @Test
  void uniformMapScoresTheReadmeBoxShare() {
    // README: "A uniform saliency map scores the box's share of the image ... mean 14.6%".
    // Boxes read inclusive give 14.58%; read exclusive (xmax − xmin) they would give 14.24%.
    IlsvrcValidation ds = IlsvrcValidation.open(SharedData.require("benchmark/fashion-scenes"));
    double sum = 0;
    for (DatasetItem item : ds.items()) {
      sum += Region.ofBoxes(item.boxesOf(item.label()), item.width(), item.height(), 224, 224).areaShare();
    }
    assertThat(100 * sum / ds.size()).isCloseTo(14.6, org.assertj.core.api.Assertions.within(0.05));
  }

  @Test
  void seededSubsetIsStableSortedAndNested() {
    IlsvrcValidation ds = IlsvrcValidation.open(SharedData.require("benchmark/fashion-scenes"));
    List<String> a = ds.randomSubset(20, 2020).stream().map(DatasetItem::id).toList();
    List<String> b = ds.randomSubset(20, 2020).stream().map(DatasetItem::id).toList();
    assertThat(a).isEqualTo(b).hasSize(20).isSorted().doesNotHaveDuplicates();
    assertThat(ds.randomSubset(50, 2020).stream().map(DatasetItem::id).toList()).containsAll(a);
    assertThat(ds.randomSubset(20, 2021).stream().map(DatasetItem::id).toList()).isNotEqualTo(a);
  }
}
