package dev.sscam;

/**
 * The model cannot be explained this way: its target layer cannot be found or read, its head's
 * gradient cannot be compiled (an operator without a rule), or the method needs a head it does not
 * have (CAM). That holds for every image alike, so a run that records bad items and goes on (the
 * evaluation, the Spark job) must stop here instead of logging each image as skipped, which a rerun
 * with a fixed model or option would then never retry.
 */
public class ModelUnsupportedException extends SscamException {
  private static final long serialVersionUID = 1L;

  public ModelUnsupportedException(String message) {
    super(message);
  }

  public ModelUnsupportedException(String message, Throwable cause) {
    super(message, cause);
  }
}
