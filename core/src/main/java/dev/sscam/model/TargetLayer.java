package dev.sscam.model;

import java.util.Arrays;
import java.util.List;

/**
 * A candidate target layer: a 4-D float tensor inside the model whose activations {@code A ∈
 * R^{K×h×w}} a CAM method weighs.
 *
 * @param name unique human name derived from the exporter's module scopes ({@code layer4.1.relu_1})
 * @param aliases further names that resolve here: enclosing modules whose output this tensor is
 *     ({@code layer4}, {@code layer4.1})
 * @param tensor the ONNX tensor name ({@code /layer4/layer4.1/relu_1/Relu_output_0})
 * @param node the ONNX node that produces it
 * @param opType that node's operator
 * @param shape the tensor's shape for one image: {@code [1, K, h, w]}
 * @param index position in topological order among the candidates
 */
public record TargetLayer(
    String name, List<String> aliases, String tensor, String node, String opType, long[] shape, int index) {

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

  /** Whether {@code id} names this layer: module path, alias, tensor name or node name. */
  public boolean answersTo(String id) {
    return name.equals(id) || aliases.contains(id) || tensor.equals(id) || node.equals(id);
  }

  @Override
  public String toString() {
    return name + " " + Arrays.toString(Arrays.copyOfRange(shape, 1, 4)) + " (" + tensor + ")";
  }
}
