/**
 * {@code sscam serve}: the explorer (one page: pick an image, a layer and methods, see the maps side by
 * side) and the versioned HTTP API ({@code POST /v1/explain}, {@code /v1/models}, {@code /healthz},
 * {@code /metrics}) over the public library API ({@link dev.sscam.cam.Explainer}, {@link
 * dev.sscam.model.OnnxClassifier}, {@link dev.sscam.cam.CamOptions}). Start one with {@link
 * dev.sscam.serve.ExplainServer#start}.
 */
package dev.sscam.serve;
