package dev.sscam.evaluation;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * An image the evaluation could not evaluate (unreadable image or annotation, a model output with
 * NaN or ±Inf, …); one line of {@code results.jsonl}:
 *
 * <pre>{"image":"ILSVRC2012_val_00000042","skipped":"cannot read …/x.JPEG: not an image"}</pre>
 *
 * <p>A skip line is told from a result line by its {@code skipped} field (results have none).
 * A skipped image is skipped as a whole: it is not retried by a rerun, and the report leaves out
 * every result of it (so each method is summarised over the same images) and lists it instead.
 *
 * @param image the image id
 * @param reason why, one line (the {@code SscamException}'s message)
 */
@JsonPropertyOrder({"image", "skipped"})
public record SkippedItem(@JsonProperty("image") String image, @JsonProperty("skipped") String reason) {
  /** The JSON field that marks a skip line. */
  public static final String FIELD = "skipped";

  /** Keeps the reason to one line, so the log and the report stay one line per skip. */
  public SkippedItem {
    reason = reason == null ? "" : reason.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}
