package dev.sscam.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sscam.SscamException;
import dev.sscam.metrics.PixelBox;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A small ILSVRC-like dataset written by the test. */
class IlsvrcValidationTest {
  @TempDir Path root;

  static void image(Path file, int w, int h) throws IOException {
    Files.createDirectories(file.getParent());
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    String ext = file.getFileName().toString().toLowerCase().endsWith(".png") ? "png" : "jpg";
    assertThat(ImageIO.write(img, ext, file.toFile())).isTrue();
  }

  static String xml(int w, int h, String... objects) {
    StringBuilder s = new StringBuilder("<annotation><size><width>" + w + "</width><height>" + h
        + "</height><depth>3</depth></size>");
    for (String o : objects) {
      String[] p = o.split(" ");
      s.append("<object><name>").append(p[0]).append("</name><bndbox><xmin>").append(p[1]).append("</xmin><ymin>")
          .append(p[2]).append("</ymin><xmax>").append(p[3]).append("</xmax><ymax>").append(p[4])
          .append("</ymax></bndbox></object>");
    }
    return s.append("</annotation>").toString();
  }

  static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  /** Three images a, b, c (12×8) with classes n0 (0), n1 (1), n2 (2). */
  void standardLayout() throws IOException {
    write(root.resolve("LOC_synset_mapping.txt"), "n0 zero thing\nn1 one\nn2 two, three words\n");
    image(root.resolve("val/images/a.JPEG"), 12, 8);
    image(root.resolve("val/images/b.png"), 12, 8);
    image(root.resolve("val/images/c.JPEG"), 12, 8);
    // a: two boxes of n2 and one of n1; b: one n0 box; c: one n1 box
    write(root.resolve("val/annotations/a.xml"), xml(12, 8, "n2 0 0 3 2", "n2 8 4 11 7", "n1 5 5 6 6"));
    write(root.resolve("val/annotations/b.xml"), xml(12, 8, "n0 1 1 10 6"));
    write(root.resolve("val/annotations/c.xml"), xml(12, 8, "n1 0 0 11 7"));
  }

  @Test
  void oneIntegerPerLineInSortedImageOrder() throws IOException {
    standardLayout();
    write(root.resolve("val/ground_truth.txt"), "2\n0\n\n1\n");
    IlsvrcValidation ds = IlsvrcValidation.open(root);
    assertThat(ds.ids()).containsExactly("a", "b", "c");
    DatasetItem a = ds.item(0);
    assertThat(a.label()).isEqualTo(2);
    assertThat(a.width()).isEqualTo(12);
    assertThat(a.height()).isEqualTo(8);
    assertThat(a.boxes()).containsExactly(
        new BoundingBox("n2", 2, new PixelBox(0, 0, 3, 2)),
        new BoundingBox("n2", 2, new PixelBox(8, 4, 11, 7)),
        new BoundingBox("n1", 1, new PixelBox(5, 5, 6, 6)));
    assertThat(a.boxesOf(2)).containsExactly(new PixelBox(0, 0, 3, 2), new PixelBox(8, 4, 11, 7));
    assertThat(a.mask()).isNull();
    assertThat(ds.item(1).label()).isZero();
    assertThat(ds.item(2).label()).isEqualTo(1);
    assertThat(ds.synsets().orElseThrow().name(2)).isEqualTo("two, three words");
  }

  @Test
  void labelsFromTheAnnotationsWithoutAGroundTruthFile() throws IOException {
    standardLayout();
    write(root.resolve("val/annotations/a.xml"), xml(12, 8, "n2 0 0 3 2", "n2 8 4 11 7"));
    IlsvrcValidation ds = IlsvrcValidation.open(root);
    assertThat(ds.groundTruthFile()).isEmpty();
    assertThat(ds.items()).extracting(DatasetItem::label).containsExactly(2, 0, 1);
    // several classes in one XML: no single label
    write(root.resolve("val/annotations/a.xml"), xml(12, 8, "n2 0 0 3 2", "n1 5 5 6 6"));
    assertThatThrownBy(() -> IlsvrcValidation.open(root).item(0))
        .isInstanceOf(SscamException.class).hasMessageContaining("several classes");
  }

  @Test
  void namedLabelsByIndexOrWnidAndMasks() throws IOException {
    standardLayout();
    write(root.resolve("val/ground_truth.txt"), "c.JPEG n1\nb.png 0\nval/images/a.JPEG 2\nextra.JPEG 1\n");
    image(root.resolve("val/masks/b.png"), 12, 8);
    IlsvrcValidation ds = IlsvrcValidation.open(root);
    assertThat(ds.items()).extracting(DatasetItem::label).containsExactly(2, 0, 1);
    assertThat(ds.item(1).mask()).isEqualTo(root.resolve("val/masks/b.png").toAbsolutePath().normalize());
    assertThat(ds.item(0).mask()).isNull();
  }

  @Test
  void kaggleSolutionCsv() throws IOException {
    standardLayout();
    write(root.resolve("LOC_val_solution.csv"),
        "ImageId,PredictionString\nb,n0 1 1 10 6 \na,n2 0 0 3 2 n2 8 4 11 7\nc,n1 0 0 11 7\n");
    assertThat(IlsvrcValidation.open(root).items()).extracting(DatasetItem::label).containsExactly(2, 0, 1);
  }

  @Test
  void imageFolderAsRootWithExplicitParts() throws IOException {
    standardLayout();
    Path images = root.resolve("val/images");
    write(root.resolve("val/annotations/a.xml"), xml(12, 8, "n2 0 0 3 2"));
    // the ILSVRC2012_img_val form: images directly, annotations and classes named
    IlsvrcValidation ds = IlsvrcValidation.builder(images)
        .annotations(root.resolve("val/annotations"))
        .synsetMapping(root.resolve("LOC_synset_mapping.txt"))
        .build();
    assertThat(ds.imagesDir()).isEqualTo(images.toAbsolutePath().normalize());
    assertThat(ds.items()).extracting(DatasetItem::label).containsExactly(2, 0, 1);
    assertThat(ds.annotationsDir()).contains(root.resolve("val/annotations"));
  }

  @Test
  void devkitGroundTruthNeedsTheDevkitOrder() throws IOException {
    standardLayout();
    // devkit order n1, n2, n0: IDs 2 (n2), 3 (n0), 1 (n1) for a, b, c
    Path devkitGt = root.resolve("ILSVRC2012_validation_ground_truth.txt");
    write(devkitGt, "2\n3\n1\n");
    assertThatThrownBy(() -> IlsvrcValidation.builder(root).groundTruth(devkitGt).build())
        .isInstanceOf(SscamException.class).hasMessageContaining("1-based").hasMessageContaining("devkit");
    write(root.resolve("devkit_synsets.txt"), "n1\nn2\nn0\n");
    IlsvrcValidation ds = IlsvrcValidation.builder(root).groundTruth(devkitGt)
        .devkitSynsets(root.resolve("devkit_synsets.txt")).build();
    assertThat(ds.items()).extracting(DatasetItem::label).containsExactly(2, 0, 1);
  }

  @Test
  void labelThatContradictsTheBoxesIsRefused() throws IOException {
    standardLayout();
    // 1-based by mistake: a → 3 is out of range; shifted by one: b → 1 has no n1 box
    write(root.resolve("val/ground_truth.txt"), "3\n1\n2\n");
    assertThatThrownBy(() -> IlsvrcValidation.open(root))
        .isInstanceOf(SscamException.class).hasMessageContaining("line 1").hasMessageContaining("outside 0..2");
    write(root.resolve("val/ground_truth.txt"), "2\n1\n1\n");
    IlsvrcValidation ds = IlsvrcValidation.open(root);
    assertThatThrownBy(() -> ds.item(1))
        .isInstanceOf(SscamException.class).hasMessageContaining("label of b (1 = n1) has no box");
  }

  @Test
  void strictErrorsNameTheMissingPiece() throws IOException {
    standardLayout();
    write(root.resolve("val/ground_truth.txt"), "2\n0\n");
    assertThatThrownBy(() -> IlsvrcValidation.open(root))
        .isInstanceOf(SscamException.class).hasMessageContaining("2 labels").hasMessageContaining("3 images");
    write(root.resolve("val/ground_truth.txt"), "a 2\nb 0\n");
    assertThatThrownBy(() -> IlsvrcValidation.open(root))
        .isInstanceOf(SscamException.class).hasMessageContaining("no label for 1 image(s), e.g. c");
    write(root.resolve("val/ground_truth.txt"), "2\n0\n1\n");
    // a missing annotation
    Files.delete(root.resolve("val/annotations/c.xml"));
    assertThatThrownBy(() -> IlsvrcValidation.open(root))
        .isInstanceOf(SscamException.class).hasMessageContaining("c.xml").hasMessageContaining("1 image(s) have no annotation");
    // XML size disagreeing with the image
    write(root.resolve("val/annotations/c.xml"), xml(224, 224, "n1 0 0 11 7"));
    assertThatThrownBy(() -> IlsvrcValidation.open(root).item(2))
        .isInstanceOf(SscamException.class).hasMessageContaining("224x224").hasMessageContaining("12x8");
    // explicit paths that do not exist
    assertThatThrownBy(() -> IlsvrcValidation.builder(root).annotations(root.resolve("nope")).build())
        .isInstanceOf(SscamException.class).hasMessageContaining("annotations folder").hasMessageContaining("nope");
    assertThatThrownBy(() -> IlsvrcValidation.open(root.resolve("absent")))
        .isInstanceOf(SscamException.class).hasMessageContaining("does not exist");
    // no class list while annotations name wnids
    Files.delete(root.resolve("LOC_synset_mapping.txt"));
    assertThatThrownBy(() -> IlsvrcValidation.open(root))
        .isInstanceOf(SscamException.class).hasMessageContaining("LOC_synset_mapping.txt was not found");
  }

  @Test
  void noImagesOrNoLabels(@TempDir Path empty) throws IOException {
    assertThatThrownBy(() -> IlsvrcValidation.open(empty))
        .isInstanceOf(SscamException.class).hasMessageContaining("no images");
    image(empty.resolve("x.png"), 4, 4);
    assertThatThrownBy(() -> IlsvrcValidation.open(empty))
        .isInstanceOf(SscamException.class).hasMessageContaining("no labels");
  }

  @Test
  void externalEntitiesAreRefused() throws IOException {
    standardLayout();
    write(root.resolve("val/ground_truth.txt"), "2\n0\n1\n");
    Path secret = root.resolve("secret.txt");
    Files.writeString(secret, "TOPSECRET");
    write(root.resolve("val/annotations/b.xml"), "<?xml version=\"1.0\"?>\n"
        + "<!DOCTYPE annotation [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>\n"
        + "<annotation><size><width>12</width><height>8</height></size>"
        + "<object><name>n0&xxe;</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>10</xmax><ymax>6</ymax></bndbox>"
        + "</object></annotation>");
    IlsvrcValidation ds = IlsvrcValidation.open(root);
    assertThatThrownBy(() -> ds.item(1))
        .isInstanceOf(SscamException.class)
        .hasMessageContaining("b.xml")
        .hasMessageContaining("DOCTYPE")
        .hasMessageNotContaining("TOPSECRET");
    // an internal entity (billion-laughs style) is refused the same way
    write(root.resolve("val/annotations/b.xml"), "<!DOCTYPE a [<!ENTITY x \"n0\">]><annotation><object><name>&x;</name>"
        + "<bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object></annotation>");
    assertThatThrownBy(() -> ds.item(1)).isInstanceOf(SscamException.class).hasMessageContaining("DOCTYPE");
  }

  @Test
  void imageSizeEvenWhenTheExtensionLies() throws IOException {
    Path lying = root.resolve("x.jpg");
    assertThat(ImageIO.write(new BufferedImage(7, 5, BufferedImage.TYPE_INT_RGB), "png", lying.toFile())).isTrue();
    assertThat(IlsvrcValidation.imageSize(lying)).containsExactly(7, 5);
    Path text = root.resolve("y.png");
    Files.writeString(text, "not an image");
    assertThatThrownBy(() -> IlsvrcValidation.imageSize(text))
        .isInstanceOf(SscamException.class).hasMessageContaining("y.png");
  }

  @Test
  void brokenAnnotations() throws IOException {
    standardLayout();
    write(root.resolve("val/ground_truth.txt"), "2\n0\n1\n");
    IlsvrcValidation ds = IlsvrcValidation.open(root);
    write(root.resolve("val/annotations/b.xml"), "<annotation><object><name>n0</name>");
    assertThatThrownBy(() -> ds.item(1)).isInstanceOf(SscamException.class).hasMessageContaining("not valid XML");
    write(root.resolve("val/annotations/b.xml"), xml(12, 8, "n0 5 1 4 6"));
    assertThatThrownBy(() -> ds.item(1)).isInstanceOf(SscamException.class).hasMessageContaining("min after max");
    write(root.resolve("val/annotations/b.xml"), xml(12, 8, "n0 1 1 x 6"));
    assertThatThrownBy(() -> ds.item(1)).isInstanceOf(SscamException.class).hasMessageContaining("'x', not a number");
    // a decimal coordinate is rounded; a missing size takes the image's
    write(root.resolve("val/annotations/b.xml"), "<annotation><object><name>n0</name><bndbox><xmin>1.0</xmin>"
        + "<ymin>0.6</ymin><xmax>10</xmax><ymax>6</ymax></bndbox></object></annotation>");
    DatasetItem b = ds.item(1);
    assertThat(b.boxes()).containsExactly(new BoundingBox("n0", 0, new PixelBox(1, 1, 10, 6)));
    assertThat(b.width()).isEqualTo(12);
  }

  @Test
  void boxesPartlyOutsideAreClippedEntirelyOutsideRefused() throws IOException {
    IlsvrcValidation ds = standardWithLabels();
    Path b = root.resolve("val/annotations/b.xml");
    // negative and past-the-edge coordinates are clipped to the 12x8 image
    write(b, xml(12, 8, "n0 -5 -1 30 6"));
    assertThat(ds.item(1).boxes()).containsExactly(new BoundingBox("n0", 0, new PixelBox(0, 0, 11, 6)));
    write(b, xml(12, 8, "n0 12 0 20 6"));
    assertThatThrownBy(() -> ds.item(1))
        .isInstanceOf(SscamException.class)
        .hasMessage("annotation " + b + ": object 1 (x 12..20, y 0..6) lies entirely outside the 12x8 image");
    write(b, xml(12, 8, "n0 -9 -9 -1 -1"));
    assertThatThrownBy(() -> ds.item(1)).hasMessageContaining("lies entirely outside");
    write(b, xml(12, 8, "n0 1 1 10 6", "n0 7 5 3 6"));
    assertThatThrownBy(() -> ds.item(1))
        .hasMessage("annotation " + b + ": object 2 has min after max (x 7..3, y 5..6)");
    write(b, xml(12, 8, "n0 1 1 1e12 6"));
    assertThatThrownBy(() -> ds.item(1))
        .hasMessage("annotation " + b + ": object 1 <xmax> is '1e12', not a pixel coordinate");
    write(b, xml(12, 8, "n0 1 1 NaN 6"));
    assertThatThrownBy(() -> ds.item(1)).hasMessageContaining("<xmax> is 'NaN', not a pixel coordinate");
  }

  @Test
  void aLabelNotInTheSynsetListIsRefused() throws IOException {
    IlsvrcValidation ds = standardWithLabels();
    Path b = root.resolve("val/annotations/b.xml");
    write(b, xml(12, 8, "n0 1 1 10 6", "n99999 2 2 3 3"));
    assertThatThrownBy(() -> ds.item(1))
        .isInstanceOf(SscamException.class)
        .hasMessage("annotation " + b + ": object 2 is labelled 'n99999', which is not in LOC_synset_mapping.txt");
  }

  @Test
  void billionLaughsIsRefusedWithoutExpanding() throws IOException {
    IlsvrcValidation ds = standardWithLabels();
    StringBuilder dtd = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE annotation [<!ENTITY l0 \"lol\">");
    for (int i = 1; i < 10; i++) {
      dtd.append("<!ENTITY l").append(i).append(" \"").append(("&l" + (i - 1) + ";").repeat(10)).append("\">");
    }
    Path b = root.resolve("val/annotations/b.xml");
    write(b, dtd + "]><annotation><object><name>&l9;</name></object></annotation>");
    assertThatThrownBy(() -> ds.item(1))
        .isInstanceOf(SscamException.class)
        .hasMessage("annotation " + b + " has a DOCTYPE, which is refused (DTDs and external entities are not"
            + " allowed in annotations)");
  }

  /** {@link #standardLayout} with the ground truth a → 2, b → 0, c → 1, opened. */
  private IlsvrcValidation standardWithLabels() throws IOException {
    standardLayout();
    write(root.resolve("val/ground_truth.txt"), "2\n0\n1\n");
    return IlsvrcValidation.open(root);
  }
}
