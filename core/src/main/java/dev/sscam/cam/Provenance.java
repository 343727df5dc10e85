package dev.sscam.cam;

import java.util.Map;

/**
 * What produced a map, so that it can be reproduced and compared (Tribuo's habit).
 *
 * @param method method id ({@code ss-cam-2}, {@code grad-cam}, ...)
 * @param options every option in force, by name
 * @param seed seed of the noise draws
 * @param layer target layer's human name
 * @param layerTensor target layer's ONNX tensor
 * @param layerReading how that tensor was read as K×h×w: {@code NCHW}, {@code NHWC} or {@code tokens P+hxw}
 * @param model model file path
 * @param modelSha256 SHA-256 of the model file and its external data
 * @param forwardPasses model forward passes spent on this map (activations run included)
 * @param seconds wall time of the whole map
 * @param fast for a fast map ({@link FastMode}): passes spent against the exact count and the
 *     estimated error; null for an exact map
 */
public record Provenance(
    String method,
    Map<String, Object> options,
    long seed,
    String layer,
    String layerTensor,
    String layerReading,
    String model,
    String modelSha256,
    long forwardPasses,
    double seconds,
    FastEstimate fast) {

  /** Whether the map is a fast (approximate) one. */
  public boolean isFast() {
    return fast != null;
  }
}
