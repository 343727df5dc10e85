package dev.sscam.image;

import dev.sscam.SscamException;

/**
 * An image whose header declares more pixels than the reader accepts (a decompression bomb, a corrupt
 * header, or simply more than a server's per-request limit). Refused before any pixel is decoded.
 */
public final class ImageTooLargeException extends SscamException {
  private static final long serialVersionUID = 1L;

  ImageTooLargeException(String message) {
    super(message);
  }
}
