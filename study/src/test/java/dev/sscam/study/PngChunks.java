package dev.sscam.study;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The chunk types of a PNG file, in order (to check that no text or time chunk carries metadata). */
final class PngChunks {
  private PngChunks() {}

  static List<String> of(byte[] png) {
    ByteBuffer b = ByteBuffer.wrap(png);
    byte[] signature = new byte[8];
    b.get(signature);
    if (signature[1] != 'P' || signature[2] != 'N' || signature[3] != 'G') {
      throw new IllegalArgumentException("not a PNG");
    }
    List<String> types = new ArrayList<>();
    while (b.remaining() >= 12) {
      int length = b.getInt();
      byte[] type = new byte[4];
      b.get(type);
      types.add(new String(type, StandardCharsets.US_ASCII));
      b.position(b.position() + length + 4);
    }
    return types;
  }
}
