package dev.sscam.model;

import java.util.Arrays;
import java.util.List;

/**
 * A candidate target layer: a float tensor inside the model whose activations, read as {@code A ∈
 * R^{K×h×w}} ({@link LayerReading}), a CAM method weighs.
 *
 * @param name unique human name derived from the exporter's module scopes ({@code layer4.1.relu_1})
 * @param aliases further names that resolve here: enclosing modules whose output this tensor is
 *     ({@code layer4}, {@code layer4.1})
 * @param tensor the ONNX tensor name ({@code /layer4/layer4.1/relu_1/Relu_output_0})
 * @param node the ONNX node that produces it
 * @param opType that node's operator
 * @param shape the activations' shape for one image as CAM reads them: {@code [1, K, h, w]}
 * @param index position in topological order among the candidates
 * @param rawShape the tensor's own shape for one image ({@code [1, 197, 96]} for ViT tokens)
 * @param reading how the tensor is read as {@code K × h × w}
 */
public record TargetLayer(
    String name, List<String> aliases, String tensor, String node, String opType, long[] shape, int index,
    long[] rawShape, LayerReading reading) {

  /** A layer read as {@code reading}: {@code shape} follows from it. */
  static TargetLayer of(String name, List<String> aliases, String tensor, String node, String opType, int index,
      long[] rawShape, LayerReading reading) {
    return new TargetLayer(name, aliases, tensor, node, opType,
        new long[] {1, reading.channels(), reading.height(), reading.width()}, index, rawShape, reading);
  }

  /** This layer read another way (a user's override). */
  TargetLayer readAs(LayerReading r) {
    return of(name, aliases, tensor, node, opType, index, rawShape, r);
  }

  /** Number of channels K. */
  public int channels() {
    return (int) shape[1];
  }

  /** Feature map height h. */
  public int height() {
    return (int) shape[2];
  }

  /** Feature map width w. */
  public int width() {
    return (int) shape[3];
  }

  /** Floats per image in the tensor itself (more than {@code K·h·w} when prefix tokens are dropped). */
  public int rawSize() {
    return reading == null ? 0 : reading.rawSize();
  }

  /** Whether {@code id} names this layer: module path, alias, tensor name or node name. */
  public boolean answersTo(String id) {
    return name.equals(id) || aliases.contains(id) || tensor.equals(id) || node.equals(id);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TargetLayer t && t.tensor.equals(tensor) && java.util.Objects.equals(t.reading, reading)
        && t.name.equals(name);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(tensor, reading);
  }

  @Override
  public String toString() {
    return name + " " + Arrays.toString(Arrays.copyOfRange(shape, 1, 4)) + " " + (reading == null ? "unread" : reading.label()) + " (" + tensor + ")";
  }
}
