package dev.sscam.io;

import dev.sscam.SscamException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's {@code .npy} format (format spec NEP 1): the 6-byte magic {@code \x93NUMPY}, a version
 * (1.0: 2-byte little-endian header length; 2.0/3.0: 4-byte), an ASCII Python dict {@code
 * {'descr': '<f4', 'fortran_order': False, 'shape': (3, 224, 224), }} padded with spaces and a
 * final newline so the data starts at a multiple of 64 bytes, then the raw C-order data.
 *
 * <p>Reads float32 and float64 ({@code <f4 >f4 <f8 >f8}) in C order into a {@code float[]};
 * writes float32 little-endian, version 1.0, atomically. A file is refused, with an {@link
 * SscamException} naming it, when its dtype or order is another, when its header is not exactly
 * the dict-plus-padding its length field declares, when its data is shorter or longer than the
 * shape needs, or when the shape holds more than 2^31−1 values.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private Npy() {}

  /**
   * An array read from a {@code .npy} file: its shape and its values in C (row-major) order.
   *
   * @param shape the dimensions (empty for a scalar)
   * @param data the values, {@code product(shape)} of them
   */
  public record Array(int[] shape, float[] data) {
    /** Number of elements, the product of the shape. */
    public int size() {
      return data.length;
    }

    @Override
    public String toString() {
      return "Npy.Array" + Arrays.toString(shape);
    }
  }

  /** Reads {@code file}; float64 values are narrowed to float. */
  public static Array read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new SscamException("NumPy file not found: " + file, e);
    } catch (IOException e) {
      throw new SscamException("Cannot read NumPy file " + file + ": " + e.getMessage(), e);
    }
    return parse(bytes, file.toString());
  }

  /** Parses the bytes of a {@code .npy} file; {@code name} is used in error messages. */
  public static Array parse(byte[] bytes, String name) {
    if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
      throw new SscamException("Not a NumPy .npy file (bad magic): " + name);
    }
    int major = bytes[6] & 0xFF;
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int headerLen;
    int headerStart;
    if (major == 1) {
      headerLen = buf.getShort(8) & 0xFFFF;
      headerStart = 10;
    } else if (major == 2 || major == 3) {
      if (bytes.length < 12) {
        throw new SscamException("Truncated .npy header: " + name);
      }
      headerLen = buf.getInt(8);
      headerStart = 12;
    } else {
      throw new SscamException("Unsupported .npy version " + major + ": " + name);
    }
    if (headerLen < 0 || headerStart + (long) headerLen > bytes.length) {
      throw new SscamException("Truncated .npy header: " + name);
    }
    String header = new String(bytes, headerStart, headerLen,
        major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    checkHeaderLength(header, headerLen, name);
    String descr = group(DESCR, header, "descr", name);
    boolean fortran = group(FORTRAN, header, "fortran_order", name).equals("True");
    int[] shape = parseShape(group(SHAPE, header, "shape", name), name);
    if (fortran) {
      throw new SscamException(
          "Fortran-order .npy arrays are not supported (save with np.ascontiguousarray): " + name);
    }
    ByteOrder order;
    int width;
    switch (descr) {
      case "<f4" -> { order = ByteOrder.LITTLE_ENDIAN; width = 4; }
      case ">f4" -> { order = ByteOrder.BIG_ENDIAN; width = 4; }
      case "<f8" -> { order = ByteOrder.LITTLE_ENDIAN; width = 8; }
      case ">f8" -> { order = ByteOrder.BIG_ENDIAN; width = 8; }
      default -> throw new SscamException(
          "Unsupported .npy dtype '" + descr + "' (only float32/float64): " + name);
    }
    long count = 1;
    for (int d : shape) {
      count *= d;
      if (count > Integer.MAX_VALUE) {
        throw new SscamException("The .npy shape " + Arrays.toString(shape)
            + " holds more than 2^31 values, too many to read: " + name);
      }
    }
    int dataStart = headerStart + headerLen;
    long need = count * width;
    long have = bytes.length - dataStart;
    if (have < need) {
      throw new SscamException("Truncated .npy data: " + name + " holds "
          + have + " bytes, shape " + Arrays.toString(shape) + " needs " + need);
    }
    if (have > need) {
      // numpy.save never leaves bytes after the data: the header length or the shape is wrong.
      throw new SscamException("The .npy file " + name + " holds " + have + " bytes of data but its"
          + " header (shape " + Arrays.toString(shape) + ", " + descr + ") accounts for " + need);
    }
    ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, (int) need).slice().order(order);
    float[] values = new float[(int) count];
    if (width == 4) {
      data.asFloatBuffer().get(values);
    } else {
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) data.getDouble(i * 8);
      }
    }
    return new Array(shape, values);
  }

  /**
   * The header is exactly one Python dict literal, padded with spaces and ended by a newline
   * (NEP 1). A header length that cuts the dict short or reaches into the data is caught here
   * instead of being read as a shifted array.
   */
  private static void checkHeaderLength(String header, int headerLen, String name) {
    int close = header.lastIndexOf('}');
    boolean framed = header.startsWith("{") && header.endsWith("\n") && close > 0
        && header.substring(close + 1, header.length() - 1).isBlank();
    if (!framed) {
      throw new SscamException("The .npy header of " + name + " is not the " + headerLen
          + " bytes its length field declares (no dict ending in '}' and a newline there)");
    }
  }

  private static String group(Pattern p, String header, String key, String name) {
    Matcher m = p.matcher(header);
    if (!m.find()) {
      throw new SscamException("Malformed .npy header (no '" + key + "'): " + name);
    }
    return m.group(1);
  }

  private static int[] parseShape(String text, String name) {
    List<Integer> dims = new ArrayList<>();
    for (String part : text.split(",")) {
      String t = part.trim();
      if (t.endsWith("L")) {
        t = t.substring(0, t.length() - 1); // Python 2 longs
      }
      if (t.isEmpty()) {
        continue;
      }
      try {
        int d = Integer.parseInt(t);
        if (d < 0) {
          throw new NumberFormatException();
        }
        dims.add(d);
      } catch (NumberFormatException e) {
        throw new SscamException("Malformed .npy shape (" + text + "): " + name);
      }
    }
    return dims.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * The bytes of a float32 little-endian C-order {@code .npy} file (version 1.0), exactly as
   * {@code numpy.save} writes them: header dict, spaces, newline, total preamble a multiple of 64.
   */
  public static byte[] encode(int[] shape, float[] data) {
    long count = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
      }
      count *= d;
    }
    if (count != data.length) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + count
          + " values, data has " + data.length);
    }
    StringBuilder dims = new StringBuilder();
    for (int i = 0; i < shape.length; i++) {
      dims.append(shape[i]);
      if (shape.length == 1 || i < shape.length - 1) {
        dims.append(shape.length == 1 ? "," : ", ");
      }
    }
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
    // numpy >= 1.24 first leaves room for the first axis to grow to 21 digits (in-place append),
    // then pads so magic(6) + version(2) + length(2) + header + '\n' is a multiple of 64, always
    // adding at least one space (its padlen is 64 - n % 64, never 0).
    if (shape.length > 0) {
      dict += " ".repeat(Math.max(0, 21 - Integer.toString(shape[0]).length()));
    }
    int unpadded = 10 + dict.length() + 1;
    int pad = 64 - unpadded % 64;
    String header = dict + " ".repeat(pad) + "\n";
    byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer buf = ByteBuffer.allocate(10 + h.length + 4 * data.length)
        .order(ByteOrder.LITTLE_ENDIAN);
    buf.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) h.length).put(h);
    for (float v : data) {
      buf.putFloat(v);
    }
    return buf.array();
  }

  /** Writes a float32 {@code .npy} to {@code file} atomically (temp file beside it, then move). */
  public static void write(Path file, int[] shape, float[] data) {
    AtomicFile.write(file, encode(shape, data));
  }
}
