package dev.sscam;

/**
 * An error a user can act on: bad file, bad option, unsupported model. Its message is one line,
 * complete on its own, and is what the command line prints (the stack trace only with --verbose).
 */
public class SscamException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SscamException(String message) {
    super(message);
  }

  public SscamException(String message, Throwable cause) {
    super(message, cause);
  }
}
