package dev.sscam.serve;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The parts of a {@code multipart/form-data} body (RFC 7578) already read into memory, by field name.
 * Read here rather than by the servlet container so that one size limit, checked while reading, covers
 * the whole body, and so that a malformed body is a 400 of ours.
 */
final class MultipartBody {
  private MultipartBody() {}

  /** One part: its declared file name (null for a plain field), content type and bytes. */
  record Part(String fileName, String contentType, byte[] bytes) {
    String text() {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  /** The boundary named in {@code contentType}, or null when it names none. */
  static String boundary(String contentType) {
    String b = parameter(contentType, "boundary");
    return b == null || b.isEmpty() || b.length() > 200 ? null : b;
  }

  /** The parts of {@code body} by name (the first of a repeated name wins). */
  static Map<String, Part> parse(String contentType, byte[] body) {
    String boundary = boundary(contentType);
    if (boundary == null) {
      throw ApiError.badRequest("multipart body without a boundary");
    }
    byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    Map<String, Part> parts = new LinkedHashMap<>();
    int at = indexOf(body, delimiter, 0);
    if (at < 0) {
      throw ApiError.badRequest("multipart body has no part");
    }
    while (true) {
      int lineEnd = at + delimiter.length;
      if (lineEnd + 1 < body.length && body[lineEnd] == '-' && body[lineEnd + 1] == '-') {
        return parts; // the closing delimiter
      }
      int headersStart = indexOf(body, new byte[] {'\r', '\n'}, lineEnd);
      if (headersStart < 0) {
        throw ApiError.badRequest("multipart body ends inside a delimiter line");
      }
      headersStart += 2;
      int headersEnd = indexOf(body, new byte[] {'\r', '\n', '\r', '\n'}, headersStart);
      if (headersEnd < 0) {
        throw ApiError.badRequest("multipart part without the blank line after its headers");
      }
      byte[] next = new byte[delimiter.length + 2];
      next[0] = '\r';
      next[1] = '\n';
      System.arraycopy(delimiter, 0, next, 2, delimiter.length);
      int contentStart = headersEnd + 4;
      int contentEnd = indexOf(body, next, contentStart);
      if (contentEnd < 0) {
        throw ApiError.badRequest("multipart body is not closed by its boundary");
      }
      String headers = new String(body, headersStart, headersEnd - headersStart, StandardCharsets.UTF_8);
      String disposition = null;
      String type = null;
      for (String line : headers.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        if (name.equals("content-disposition")) {
          disposition = line.substring(colon + 1).trim();
        } else if (name.equals("content-type")) {
          type = line.substring(colon + 1).trim();
        }
      }
      String field = disposition == null ? null : parameter(disposition, "name");
      if (field == null) {
        throw ApiError.badRequest("multipart part without a field name");
      }
      byte[] content = java.util.Arrays.copyOfRange(body, contentStart, contentEnd);
      parts.putIfAbsent(field, new Part(parameter(disposition, "filename"), type, content));
      at = contentEnd + 2;
    }
  }

  /** A {@code ; key=value} or {@code ; key="value"} parameter of a header value, or null. */
  static String parameter(String header, String key) {
    if (header == null) {
      return null;
    }
    for (String piece : header.split(";")) {
      String p = piece.trim();
      int eq = p.indexOf('=');
      if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase(key)) {
        String v = p.substring(eq + 1).trim();
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
          v = v.substring(1, v.length() - 1);
        }
        return v;
      }
    }
    return null;
  }

  private static int indexOf(byte[] hay, byte[] needle, int from) {
    outer:
    for (int i = Math.max(0, from); i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
