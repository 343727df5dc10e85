package dev.sscam.model;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.sscam.onnx.gradient.TensorValues;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Who produces and who consumes each tensor of a graph, and the values of its small integer constants. */
final class GraphIndex {
  private final List<NodeProto> nodes;
  private final Map<String, Integer> producer = new HashMap<>();
  private final Map<String, List<Integer>> consumers = new HashMap<>();
  private final Map<String, TensorProto> constants = new HashMap<>();

  GraphIndex(GraphProto g) {
    this.nodes = g.getNodeList();
    for (TensorProto t : g.getInitializerList()) {
      constants.put(t.getName(), t);
    }
    for (int i = 0; i < nodes.size(); i++) {
      NodeProto n = nodes.get(i);
      for (String o : n.getOutputList()) {
        producer.put(o, i);
      }
      for (String in : n.getInputList()) {
        consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
      }
      if (n.getOpType().equals("Constant") && n.getOutputCount() == 1) {
        for (AttributeProto a : n.getAttributeList()) {
          if (a.getName().equals("value") && a.hasT()) {
            constants.put(n.getOutput(0), a.getT());
          }
        }
      }
    }
  }

  List<NodeProto> nodes() {
    return nodes;
  }

  /** Index of the node producing {@code tensor}, or -1 for a graph input or initializer. */
  int producerOf(String tensor) {
    return producer.getOrDefault(tensor, -1);
  }

  NodeProto node(int index) {
    return nodes.get(index);
  }

  /** Indices of the nodes reading {@code tensor}. */
  List<Integer> consumersOf(String tensor) {
    return consumers.getOrDefault(tensor, List.of());
  }

  /** The integer values of a constant tensor (initializer or Constant node), or null when it is not one. */
  long[] ints(String tensor) {
    TensorProto t = constants.get(tensor);
    if (t == null) {
      return null;
    }
    int type = t.getDataType();
    if (type != TensorProto.DataType.INT64_VALUE && type != TensorProto.DataType.INT32_VALUE) {
      return null;
    }
    return TensorValues.int64s(t);
  }
}
