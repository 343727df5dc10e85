package dev.sscam.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sscam.SscamException;
import dev.sscam.testing.SharedData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
  @TempDir Path dir;

  /** A .npy file written byte by byte from the format description (NEP 1), version 1.0. */
  private static byte[] handWritten(String descr, String fortran, String shape, ByteBuffer data) {
    String dict = "{'descr': '" + descr + "', 'fortran_order': " + fortran + ", 'shape': " + shape
        + ", }";
    StringBuilder header = new StringBuilder(dict);
    while ((10 + header.length() + 1) % 64 != 0) {
      header.append(' ');
    }
    header.append('\n');
    byte[] h = header.toString().getBytes(StandardCharsets.US_ASCII);
    byte[] d = Arrays.copyOf(data.array(), data.position());
    ByteBuffer out = ByteBuffer.allocate(10 + h.length + d.length).order(ByteOrder.LITTLE_ENDIAN);
    out.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    out.putShort((short) h.length).put(h).put(d);
    return out.array();
  }

  @Test
  void roundTripKeepsShapeAndValues() {
    float[] values = {0f, -1.5f, 3.25f, Float.MAX_VALUE, Float.MIN_VALUE, 1e-7f};
    Path p = dir.resolve("a.npy");
    Npy.write(p, new int[] {2, 3}, values);
    Npy.Array back = Npy.read(p);
    assertThat(back.shape()).containsExactly(2, 3);
    assertThat(back.data()).containsExactly(values);
    try (var files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactly("a.npy");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void headerBytesAreNumpysForA1dArray() {
    byte[] bytes = Npy.encode(new int[] {2}, new float[] {1f, 2f});
    assertThat(Arrays.copyOf(bytes, 8))
        .containsExactly((byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0);
    int headerLen = (bytes[8] & 0xFF) | (bytes[9] & 0xFF) << 8;
    assertThat((10 + headerLen) % 64).isZero();
    String header = new String(bytes, 10, headerLen, StandardCharsets.US_ASCII);
    assertThat(header).startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }");
    assertThat(header).endsWith(" \n");
    assertThat(header.strip()).endsWith("}");
    // 1.0f little endian = 00 00 80 3F
    assertThat(Arrays.copyOfRange(bytes, 10 + headerLen, 10 + headerLen + 4))
        .containsExactly(0, 0, (byte) 0x80, 0x3F);
    assertThat(bytes.length).isEqualTo(10 + headerLen + 8);
  }

  @Test
  void headerMatchesTheFixturesNumpyWrote() throws IOException {
    Path fixture = SharedData.require("fixtures/preprocess/small_100x80.expected.npy");
    byte[] theirs = Files.readAllBytes(fixture);
    byte[] ours = Npy.encode(new int[] {3, 224, 224}, new float[3 * 224 * 224]);
    int preamble = 10 + ((theirs[8] & 0xFF) | (theirs[9] & 0xFF) << 8);
    assertThat(Arrays.copyOf(ours, preamble)).containsExactly(Arrays.copyOf(theirs, preamble));
  }

  @Test
  void readsFixtureFloat32() {
    Path fixture = SharedData.require("fixtures/preprocess/gray_512x384.expected.npy");
    Npy.Array a = Npy.read(fixture);
    assertThat(a.shape()).containsExactly(3, 224, 224);
    assertThat(a.size()).isEqualTo(3 * 224 * 224);
    // normalised pixels lie in [(0 - .485)/.229, (1 - .406)/.225]
    for (float v : a.data()) {
      assertThat(v).isBetween(-2.12f, 2.64f);
    }
  }

  @Test
  void readsBigEndianFloat64AndLittleEndianFloat64() {
    ByteBuffer be = ByteBuffer.allocate(24).order(ByteOrder.BIG_ENDIAN);
    be.putDouble(1.5).putDouble(-2.0).putDouble(1e-3);
    Npy.Array a = Npy.parse(handWritten(">f8", "False", "(3,)", be), "be");
    assertThat(a.shape()).containsExactly(3);
    assertThat(a.data()).containsExactly(1.5f, -2.0f, 1e-3f);

    ByteBuffer le = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    le.putDouble(0.25).putDouble(7);
    Npy.Array b = Npy.parse(handWritten("<f8", "False", "(1, 2)", le), "le");
    assertThat(b.shape()).containsExactly(1, 2);
    assertThat(b.data()).containsExactly(0.25f, 7f);

    ByteBuffer bf = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN);
    bf.putFloat(3f).putFloat(-4f);
    assertThat(Npy.parse(handWritten(">f4", "False", "(2,)", bf), "bf").data())
        .containsExactly(3f, -4f);
  }

  @Test
  void rejectsFortranOrderAndOtherDtypes() {
    ByteBuffer d = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    d.putFloat(1).putFloat(2).putFloat(3).putFloat(4);
    assertThatThrownBy(() -> Npy.parse(handWritten("<f4", "True", "(2, 2)", d), "f.npy"))
        .isInstanceOf(SscamException.class)
        .hasMessageContaining("Fortran-order");
    assertThatThrownBy(() -> Npy.parse(handWritten("<i4", "False", "(4,)", d), "i.npy"))
        .isInstanceOf(SscamException.class)
        .hasMessageContaining("<i4");
  }

  @Test
  void rejectsTruncatedDataAndBadMagic() {
    ByteBuffer d = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    d.putFloat(1).putFloat(2);
    assertThatThrownBy(() -> Npy.parse(handWritten("<f4", "False", "(3,)", d), "t.npy"))
        .isInstanceOf(SscamException.class)
        .hasMessageContaining("Truncated");
    assertThatThrownBy(() -> Npy.parse("not numpy at all".getBytes(StandardCharsets.US_ASCII), "x"))
        .isInstanceOf(SscamException.class)
        .hasMessageContaining("magic");
    assertThatThrownBy(() -> Npy.read(dir.resolve("missing.npy")))
        .isInstanceOf(SscamException.class)
        .hasMessageContaining("not found");
  }

  @Test
  void headerThatLiesAboutItsLengthIsRefused() {
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }";
    byte[] data = new byte[16];
    assertThat(Npy.parse(dev.sscam.testing.HostileFiles.npyBytes(dict, data, 0), "ok.npy").shape()).containsExactly(4);
    // 16 bytes short: the dict's padding is cut and its newline is never reached
    assertThatThrownBy(() -> Npy.parse(dev.sscam.testing.HostileFiles.npyBytes(dict, data, -16), "short.npy"))
        .isInstanceOf(SscamException.class)
        .hasMessage("The .npy header of short.npy is not the 102 bytes its length field declares"
            + " (no dict ending in '}' and a newline there)");
    // 16 bytes long: the header would swallow the data
    assertThatThrownBy(() -> Npy.parse(dev.sscam.testing.HostileFiles.npyBytes(dict, data, 16), "long.npy"))
        .isInstanceOf(SscamException.class)
        .hasMessageContaining("not the 134 bytes its length field declares");
  }

  @Test
  void bytesAfterTheDataAndOverflowingShapesAreRefused() {
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
    assertThatThrownBy(() -> Npy.parse(dev.sscam.testing.HostileFiles.npyBytes(dict, new byte[12], 0), "extra.npy"))
        .isInstanceOf(SscamException.class)
        .hasMessage("The .npy file extra.npy holds 12 bytes of data but its header (shape [2], <f4) accounts for 8");
    String huge = "{'descr': '<f4', 'fortran_order': False, 'shape': (2147483647, 2147483647, 2147483647, 4), }";
    assertThatThrownBy(() -> Npy.parse(dev.sscam.testing.HostileFiles.npyBytes(huge, new byte[4], 0), "huge.npy"))
        .isInstanceOf(SscamException.class)
        .hasMessageContaining("more than 2^31 values");
  }
}
