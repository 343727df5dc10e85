package dev.sscam;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.FileSystemException;

/**
 * A file the run needs cannot be reached: it does not exist, is not readable, or reading it failed
 * with an I/O error. That is a fault of the environment (a path only one machine sees, a
 * permission, a failing disk or network), not of the file's content, so a run that records bad
 * items and goes on (the evaluation) must stop here instead: once the path is fixed, a rerun has
 * to retry the file, which it would not if the file had been logged as skipped.
 *
 * <p>A file that exists and can be read but cannot be decoded or parsed stays a plain
 * {@link SscamException}: a bad item.
 */
public class InputUnreachableException extends SscamException {
  private static final long serialVersionUID = 1L;

  private final String path;

  /**
   * @param path the file (or URI) that could not be reached, as the message names it
   * @param message one line naming {@code path}
   */
  public InputUnreachableException(String path, String message) {
    super(message);
    this.path = path;
  }

  /**
   * @param path the file (or URI) that could not be reached, as the message names it
   * @param message one line naming {@code path}
   * @param cause the I/O error
   */
  public InputUnreachableException(String path, String message, Throwable cause) {
    super(message, cause);
    this.path = path;
  }

  /** The file (or URI) that could not be reached. */
  public String path() {
    return path;
  }

  /**
   * Whether {@code e}, thrown while reading a file, is the storage failing rather than a decoder or
   * parser refusing the bytes: somewhere in its cause chain a missing file or denied access
   * ({@link FileNotFoundException}, {@link FileSystemException}) or a bare {@link IOException} (how
   * the JDK reports an I/O error such as EIO from a read). Decoders and parsers report bad bytes
   * with their own subclasses ({@code IIOException}, {@code EOFException}, {@code ZipException},
   * the XML parser's {@code CharConversionException}), which are content errors.
   */
  public static boolean isStorageFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof FileNotFoundException || t instanceof FileSystemException || t.getClass() == IOException.class) {
        return true;
      }
    }
    return false;
  }
}
