package dev.sscam.serve;

import dev.sscam.cam.Explainer;
import dev.sscam.model.OnnxClassifier;

/**
 * A model the server explains with: its id in URLs, the classifier (one ONNX Runtime session per
 * layer plan, shared by every request: sessions may run concurrently) and its explainer.
 *
 * @param id the model's id in the API ({@code squeezenet1_0}), from its file name
 * @param classifier the open classifier
 * @param explainer the explainer over it
 */
public record ServedModel(String id, OnnxClassifier classifier, Explainer explainer) {
  /** Serves {@code classifier} as {@code id}. */
  public static ServedModel of(String id, OnnxClassifier classifier) {
    return new ServedModel(id, classifier, new Explainer(classifier));
  }
}
