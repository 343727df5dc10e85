package dev.sscam.testing;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.sscam.io.Npy;
import dev.sscam.onnx.OnnxGraphBuilder;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Hostile and unusual input files, built byte by byte in a test's temp folder: the cases of issue 8
 * section 3 (images, models, .npy). Each method writes one file into {@code dir} and returns it.
 */
public final class HostileFiles {
  private HostileFiles() {}

  // ---------------------------------------------------------------- images

  /** A 64×48 colour gradient with noise, so JPEG and PNG need many bytes (truncation bites). */
  public static BufferedImage gradient() {
    BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
    java.util.Random rnd = new java.util.Random(8);
    for (int y = 0; y < 48; y++) {
      for (int x = 0; x < 64; x++) {
        img.setRGB(x, y, ((x * 4) << 16) | ((y * 5) << 8) | rnd.nextInt(256));
      }
    }
    return img;
  }

  public static Path image(Path dir, String name, BufferedImage img, String format) throws IOException {
    Path p = dir.resolve(name);
    if (!ImageIO.write(img, format, p.toFile())) {
      throw new IllegalStateException("no " + format + " writer");
    }
    return p;
  }

  public static Path zeroBytes(Path dir, String name) throws IOException {
    return Files.write(dir.resolve(name), new byte[0]);
  }

  /** The first half of a valid file of the given format. */
  public static Path truncated(Path dir, String name, String format) throws IOException {
    Path whole = image(dir, "whole-" + name, gradient(), format);
    byte[] bytes = Files.readAllBytes(whole);
    Files.delete(whole);
    return Files.write(dir.resolve(name), Arrays.copyOf(bytes, bytes.length / 2));
  }

  public static Path text(Path dir, String name) throws IOException {
    return Files.writeString(dir.resolve(name), "These are my holiday notes, not a photo.\n");
  }

  /**
   * A valid-looking 8-bit RGB PNG whose IHDR declares {@code width × height} pixels, with a tiny
   * IDAT: a decompression bomb's header (a few hundred bytes claiming gigabytes).
   */
  public static Path pngDeclaring(Path dir, String name, int width, int height) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
        .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
    chunk(out, "IHDR", ihdr.array());
    Deflater d = new Deflater();
    d.setInput(new byte[4096]);
    d.finish();
    byte[] z = new byte[8192];
    int n = d.deflate(z);
    chunk(out, "IDAT", Arrays.copyOf(z, n));
    chunk(out, "IEND", new byte[0]);
    return Files.write(dir.resolve(name), out.toByteArray());
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    out.write(ByteBuffer.allocate(4).putInt(data.length).array());
    out.write(t);
    out.write(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  /** A 4×2 palette PNG whose palette has alpha (tRNS): index 0 transparent black, 1 half-transparent red. */
  public static Path paletteWithTransparency(Path dir, String name) throws IOException {
    byte[] r = {0, (byte) 255, 10};
    byte[] g = {0, 0, 20};
    byte[] b = {0, 0, 30};
    byte[] a = {0, (byte) 128, (byte) 255};
    BufferedImage p = new BufferedImage(4, 2, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(2, 3, r, g, b, a));
    p.getRaster().setSample(1, 0, 0, 1);
    p.getRaster().setSample(2, 1, 0, 2);
    return image(dir, name, p, "png");
  }

  /** A 16×16 two-frame GIF: frame 1 all red, frame 2 all blue. */
  public static Path animatedGif(Path dir, String name) throws IOException {
    byte[] r = {(byte) 255, 0};
    byte[] g = {0, 0};
    byte[] b = {0, (byte) 255};
    IndexColorModel cm = new IndexColorModel(1, 2, r, g, b);
    BufferedImage first = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_BINARY, cm);
    BufferedImage second = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_BINARY, cm);
    int[] ones = new int[256];
    Arrays.fill(ones, 1);
    second.getRaster().setSamples(0, 0, 16, 16, 0, ones);
    Path p = dir.resolve(name);
    ImageWriter w = ImageIO.getImageWritersByFormatName("gif").next();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(p.toFile())) {
      w.setOutput(out);
      w.prepareWriteSequence(null);
      w.writeToSequence(new IIOImage(first, null, null), null);
      w.writeToSequence(new IIOImage(second, null, null), null);
      w.endWriteSequence();
    } finally {
      w.dispose();
    }
    return p;
  }

  /**
   * A 40×20 JPEG (left half red, right half blue) with an EXIF APP1 segment saying orientation 6
   * ("rotate 90° clockwise to display"); the pixel grid stays 40 wide and 20 high.
   */
  public static Path exifRotatedJpeg(Path dir, String name) throws IOException {
    BufferedImage img = new BufferedImage(40, 20, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 20; y++) {
      for (int x = 0; x < 40; x++) {
        img.setRGB(x, y, x < 20 ? 0xFF0000 : 0x0000FF);
      }
    }
    Path plain = image(dir, "plain-" + name, img, "jpg");
    byte[] jpeg = Files.readAllBytes(plain);
    Files.delete(plain);
    ByteBuffer exif = ByteBuffer.allocate(2 + 2 + 6 + 8 + 2 + 12 + 4);
    exif.putShort((short) 0xFFE1).putShort((short) (exif.capacity() - 2));
    exif.put("Exif".getBytes(StandardCharsets.US_ASCII)).put((byte) 0).put((byte) 0);
    // big-endian TIFF header, IFD0 at offset 8 with one entry: Orientation (0x0112), SHORT, 1, value 6
    exif.put(new byte[] {'M', 'M', 0, 42}).putInt(8);
    exif.putShort((short) 1).putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) 6).putShort((short) 0);
    exif.putInt(0);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(jpeg, 0, 2); // SOI
    out.write(exif.array());
    out.write(jpeg, 2, jpeg.length - 2);
    return Files.write(dir.resolve(name), out.toByteArray());
  }

  // ---------------------------------------------------------------- models

  /**
   * A tiny classifier, input {@code N×3×16×16}, five classes: Conv(1×1) → Relu →
   * GlobalAveragePool → Flatten → Gemm.
   */
  public static OnnxGraphBuilder tinyClassifier(int opset) {
    OnnxGraphBuilder b = new OnnxGraphBuilder("tiny").opset(opset);
    b.input("input", -1, 3, 16, 16);
    b.initializer("conv.weight", new float[] {1, 0, 0, 0, 1, 0}, 2, 3, 1, 1);
    b.initializer("fc.weight", new float[] {1, 0, 0, 1, 1, 1, -1, 0, 0, -1}, 5, 2);
    b.node("Conv").name("/features/conv/Conv").inputs("input", "conv.weight").outputs("conv_out").add();
    b.node("Relu").name("/features/relu/Relu").inputs("conv_out").outputs("features").add();
    b.node("GlobalAveragePool").name("/avgpool/GlobalAveragePool").inputs("features").outputs("pooled").add();
    b.node("Flatten").name("/Flatten").inputs("pooled").outputs("flat").add();
    b.node("Gemm").name("/fc/Gemm").inputs("flat", "fc.weight").outputs("logits").attrInt("transB", 1).add();
    b.output("logits");
    return b;
  }

  public static Path model(Path dir, String name, ModelProto proto) throws IOException {
    return Files.write(dir.resolve(name), proto.toByteArray());
  }

  /** The tiny classifier's bytes cut in half. */
  public static Path truncatedModel(Path dir, String name) throws IOException {
    byte[] bytes = tinyClassifier(13).build().toByteArray();
    return Files.write(dir.resolve(name), Arrays.copyOf(bytes, bytes.length / 2));
  }

  /**
   * The tiny classifier with {@code fc.weight} stored in {@code location} (relative to the model),
   * the file holding {@code keepBytes} of its 40 bytes ({@code keepBytes < 0}: no file written).
   */
  public static Path externalDataModel(Path dir, String name, String location, int keepBytes) throws IOException {
    ModelProto m = tinyClassifier(13).build();
    var g = m.getGraph().toBuilder();
    for (int i = 0; i < g.getInitializerCount(); i++) {
      TensorProto t = g.getInitializer(i);
      if (t.getName().equals("fc.weight")) {
        ByteBuffer bytes = ByteBuffer.allocate(4 * t.getFloatDataCount()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        t.getFloatDataList().forEach(bytes::putFloat);
        byte[] raw = bytes.array();
        if (keepBytes >= 0) {
          Path data = dir.resolve(name).getParent().resolve(location);
          Files.createDirectories(data.getParent());
          Files.write(data, Arrays.copyOf(raw, Math.min(keepBytes, raw.length)));
        }
        g.setInitializer(i, t.toBuilder().clearFloatData().setDataLocation(TensorProto.DataLocation.EXTERNAL)
            .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location))
            .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue("0"))
            .addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue(Integer.toString(raw.length))));
      }
    }
    return model(dir, name, m.toBuilder().setGraph(g).build());
  }

  /** Relu nodes a → b → a: a cycle. */
  public static ModelProto cyclicModel() {
    OnnxGraphBuilder b = new OnnxGraphBuilder("cycle").opset(13);
    b.input("input", 1, 3, 16, 16);
    b.node("Add").name("/loop/a").inputs("input", "y").outputs("x").add();
    b.node("Relu").name("/loop/b").inputs("x").outputs("y").add();
    b.node("GlobalAveragePool").name("/pool").inputs("y").outputs("p").add();
    b.node("Flatten").name("/flat").inputs("p").outputs("logits").add();
    b.output("logits");
    return b.build();
  }

  /** A node that reads a tensor nothing produces. */
  public static ModelProto danglingModel() {
    OnnxGraphBuilder b = new OnnxGraphBuilder("dangling").opset(13);
    b.input("input", 1, 3, 16, 16);
    b.node("Mul").name("/scale/Mul").inputs("input", "ghost_scale").outputs("x").add();
    b.node("GlobalAveragePool").name("/pool").inputs("x").outputs("p").add();
    b.node("Flatten").name("/flat").inputs("p").outputs("logits").add();
    b.output("logits");
    return b.build();
  }

  /** The tiny classifier with its input declared as {@code 1×3×10^9×16}. */
  public static ModelProto absurdDimensionModel() {
    ModelProto m = tinyClassifier(13).build();
    var g = m.getGraph().toBuilder();
    g.setInput(0, OnnxGraphBuilder.valueInfo("input", TensorProto.DataType.FLOAT_VALUE,
        new long[] {1, 3, 1_000_000_000L, 16}));
    return m.toBuilder().setGraph(g).build();
  }

  // ---------------------------------------------------------------- .npy

  /** A .npy file with the given header dict and data bytes (header padded as numpy pads it). */
  public static Path npy(Path dir, String name, String dict, byte[] data) throws IOException {
    return Files.write(dir.resolve(name), npyBytes(dict, data, 0));
  }

  /**
   * .npy bytes; {@code lie} is added to the header-length field only (the bytes stay where they
   * are), so the reader is told the header ends before or after where it does.
   */
  public static byte[] npyBytes(String dict, byte[] data, int lie) {
    int unpadded = 10 + dict.length() + 1;
    String header = dict + " ".repeat(64 - unpadded % 64) + "\n";
    byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer buf = ByteBuffer.allocate(10 + h.length + data.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    buf.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) (h.length + lie)).put(h).put(data);
    return buf.array();
  }

  /** A float32 C-order tensor of {@code shape} (zeros), exactly as numpy.save writes it. */
  public static Path npyTensor(Path dir, String name, int... shape) throws IOException {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return Files.write(dir.resolve(name), Npy.encode(shape, new float[n]));
  }
}
