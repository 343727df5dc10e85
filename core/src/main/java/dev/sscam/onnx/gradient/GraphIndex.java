package dev.sscam.onnx.gradient;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the compiled gradient graph's rewrites ({@link PaddedSumProducts}, {@link LowRankProducts})
 * look up while matching a pattern: each tensor's initializer or producing node, and how many nodes
 * (or graph outputs) read it; and the graph rebuilt with the nodes they replace.
 */
record GraphIndex(Map<String, TensorProto> initializers, Map<String, NodeProto> producer,
    Map<String, Integer> readers) {

  static GraphIndex of(GraphProto graph) {
    Map<String, TensorProto> initializers = new HashMap<>();
    for (TensorProto t : graph.getInitializerList()) {
      initializers.put(t.getName(), t);
    }
    Map<String, NodeProto> producer = new HashMap<>();
    Map<String, Integer> readers = new HashMap<>();
    for (NodeProto n : graph.getNodeList()) {
      for (String o : n.getOutputList()) {
        producer.put(o, n);
      }
      for (String i : n.getInputList()) {
        readers.merge(i, 1, Integer::sum);
      }
    }
    for (ValueInfoProto o : graph.getOutputList()) {
      readers.merge(o.getName(), 1, Integer::sum);
    }
    return new GraphIndex(initializers, producer, readers);
  }

  /** How many nodes and graph outputs read {@code tensor}. */
  int readersOf(String tensor) {
    return readers.getOrDefault(tensor, 0);
  }

  /**
   * {@code model} with each node of {@code replaced} swapped in place for its replacement nodes, the
   * {@code removed} nodes left out and {@code added} initializers appended (unchanged when nothing is
   * replaced).
   */
  static ModelProto rebuilt(ModelProto model, Map<NodeProto, List<NodeProto>> replaced,
      Collection<NodeProto> removed, List<TensorProto> added) {
    if (replaced.isEmpty()) {
      return model;
    }
    GraphProto graph = model.getGraph();
    GraphProto.Builder g = graph.toBuilder().clearNode();
    for (NodeProto n : graph.getNodeList()) {
      if (replaced.containsKey(n)) {
        g.addAllNode(replaced.get(n));
      } else if (!removed.contains(n)) {
        g.addNode(n);
      }
    }
    g.addAllInitializer(added);
    return model.toBuilder().setGraph(g).build();
  }
}
