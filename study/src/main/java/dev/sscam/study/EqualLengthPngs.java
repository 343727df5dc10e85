package dev.sscam.study;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Adler32;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Re-encodes the maps of one trial as PNGs of exactly equal byte length, pixels unchanged, so that file
 * size cannot give a method away (a smooth Grad-CAM map compresses better than a busy SS-CAM map).
 *
 * <p>Each image's pixel data is deflated afresh (level 9, sync flush, so the stream ends on a byte
 * boundary), then lengthened to the common length with the only padding a decoder must accept: empty
 * stored deflate blocks (5 bytes each) and splitting the zlib stream over more IDAT chunks (12 bytes
 * each, as libpng itself splits). Any gap of 44 bytes or more is a sum of fives and twelves (43 is the
 * largest that is not), so the common length is the longest image plus 44. The files stay IHDR, IDAT…,
 * IEND: no ancillary chunk that could carry anything.
 */
final class EqualLengthPngs {
  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  /** An empty, non-final stored block, byte aligned: header byte, LEN = 0, NLEN = ~0. */
  private static final byte[] EMPTY_STORED = {0, 0, 0, (byte) 0xff, (byte) 0xff};
  /** The empty final stored block that closes the stream. */
  private static final byte[] FINAL_STORED = {1, 0, 0, (byte) 0xff, (byte) 0xff};
  /** zlib header: deflate, 32 KiB window, "maximum compression" flag; 0x78DA is a multiple of 31. */
  private static final byte[] ZLIB_HEADER = {0x78, (byte) 0xda};
  /** The largest gap that is not a sum of 5s and 12s (Frobenius number 5·12 − 5 − 12). */
  static final int LARGEST_GAP_NOT_PADDABLE = 43;

  private EqualLengthPngs() {}

  /** One PNG taken apart: the chunks before and after the image data, and the deflated pixel rows. */
  private record Parts(List<byte[]> before, byte[] deflated, long adler, List<byte[]> after) {
    int length(int emptyBlocks, int extraChunks) {
      int n = SIGNATURE.length + 12 * (1 + extraChunks) + zlibLength(emptyBlocks);
      for (byte[] c : before) {
        n += c.length;
      }
      for (byte[] c : after) {
        n += c.length;
      }
      return n;
    }

    int zlibLength(int emptyBlocks) {
      return ZLIB_HEADER.length + deflated.length + EMPTY_STORED.length * emptyBlocks + FINAL_STORED.length + 4;
    }
  }

  /** The PNGs re-encoded to one common length (their order kept). */
  static List<byte[]> of(List<byte[]> pngs) {
    List<Parts> parts = pngs.stream().map(EqualLengthPngs::parse).toList();
    int longest = parts.stream().mapToInt(p -> p.length(0, 0)).max().orElse(0);
    boolean allEqual = parts.stream().allMatch(p -> p.length(0, 0) == longest);
    int target = allEqual ? longest : longest + LARGEST_GAP_NOT_PADDABLE + 1;
    List<byte[]> out = new ArrayList<>();
    for (Parts p : parts) {
      out.add(write(p, target - p.length(0, 0)));
    }
    return out;
  }

  private static Parts parse(byte[] png) {
    ByteBuffer b = ByteBuffer.wrap(png);
    byte[] sig = new byte[SIGNATURE.length];
    b.get(sig);
    if (!Arrays.equals(sig, SIGNATURE)) {
      throw new IllegalArgumentException("not a PNG");
    }
    List<byte[]> before = new ArrayList<>();
    List<byte[]> after = new ArrayList<>();
    ByteArrayOutputStream idat = new ByteArrayOutputStream();
    boolean seenData = false;
    while (b.remaining() >= 12) {
      int start = b.position();
      int length = b.getInt();
      byte[] type = new byte[4];
      b.get(type);
      String name = new String(type, StandardCharsets.US_ASCII);
      if (name.equals("IDAT")) {
        idat.write(png, b.position(), length);
        seenData = true;
      }
      b.position(b.position() + length + 4);
      if (!name.equals("IDAT")) {
        (seenData ? after : before).add(Arrays.copyOfRange(png, start, b.position()));
      }
    }
    byte[] raw = inflate(idat.toByteArray());
    Adler32 adler = new Adler32();
    adler.update(raw);
    return new Parts(before, deflate(raw), adler.getValue(), after);
  }

  private static byte[] inflate(byte[] zlib) {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(zlib);
      ByteArrayOutputStream out = new ByteArrayOutputStream(zlib.length * 4);
      byte[] buf = new byte[1 << 16];
      while (!inflater.finished()) {
        int n = inflater.inflate(buf);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new IllegalArgumentException("truncated PNG image data");
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw new IllegalArgumentException("corrupt PNG image data: " + e.getMessage());
    } finally {
      inflater.end();
    }
  }

  // Raw deflate ending in a sync flush: byte aligned and not final, so blocks can follow.
  private static byte[] deflate(byte[] raw) {
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
    try {
      deflater.setInput(raw);
      ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 2 + 64);
      byte[] buf = new byte[1 << 16];
      int n;
      do {
        n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
        out.write(buf, 0, n);
      } while (n == buf.length || !deflater.needsInput());
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }

  private static byte[] write(Parts p, int gap) {
    int extraChunks = 0;
    while (extraChunks * 12 <= gap && (gap - extraChunks * 12) % EMPTY_STORED.length != 0) {
      extraChunks++;
    }
    if (extraChunks * 12 > gap) {
      throw new IllegalArgumentException("cannot pad a PNG by " + gap + " bytes");
    }
    int emptyBlocks = (gap - extraChunks * 12) / EMPTY_STORED.length;
    ByteBuffer zlib = ByteBuffer.allocate(p.zlibLength(emptyBlocks));
    zlib.put(ZLIB_HEADER).put(p.deflated());
    for (int i = 0; i < emptyBlocks; i++) {
      zlib.put(EMPTY_STORED);
    }
    zlib.put(FINAL_STORED).putInt((int) p.adler());
    byte[] data = zlib.array();
    ByteBuffer out = ByteBuffer.allocate(p.length(emptyBlocks, extraChunks));
    out.put(SIGNATURE);
    p.before().forEach(out::put);
    // The zlib stream over 1 + extraChunks IDAT chunks, none empty (the stream is at least 11 bytes).
    int pieces = 1 + extraChunks;
    int from = 0;
    for (int i = 0; i < pieces; i++) {
      int to = i == pieces - 1 ? data.length : from + data.length / pieces;
      chunk(out, "IDAT", Arrays.copyOfRange(data, from, to));
      from = to;
    }
    p.after().forEach(out::put);
    return out.array();
  }

  private static void chunk(ByteBuffer out, String type, byte[] data) {
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.putInt(data.length).put(t).put(data).putInt((int) crc.getValue());
  }
}
