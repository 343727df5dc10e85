package dev.sscam.onnx.gradient;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What is statically known of a graph's tensors without running it: element types and ranks, from
 * the declared inputs, outputs, value_info and initializers, then propagated through the nodes by a
 * few rules (the element type of most ops is that of their first input; shape ops give int64,
 * comparisons bool). Unknown stays unknown: callers decide whether they can do without.
 *
 * <p>Ranks follow reshapes too: the static length of 1-D int64 tensors (shape vectors from
 * initializers, Constants, {@code Shape} of a tensor of known rank, their Concat, Unsqueeze of a
 * scalar) gives the rank of Reshape and Expand results, as in PyTorch's exported
 * {@code view}/{@code expand} (Shape → Gather → Unsqueeze → Concat → Reshape). The batched MatMul
 * rule needs these ranks for attention graphs that carry no value_info.
 */
final class TensorTypes {
  final Map<String, Integer> elemTypes = new HashMap<>();
  final Map<String, Integer> ranks = new HashMap<>();
  /** Statically known lengths of 1-D tensors (shape and axes vectors). */
  final Map<String, Integer> lengths = new HashMap<>();

  private static final Set<String> INT64_RESULT = Set.of("Shape", "Size", "NonZero", "ArgMax", "ArgMin");
  private static final Set<String> BOOL_RESULT = Set.of("Equal", "Greater", "GreaterOrEqual", "Less",
      "LessOrEqual", "Not", "And", "Or", "Xor", "IsNaN", "IsInf");
  private static final Set<String> SAME_RANK = Set.of("Relu", "LeakyRelu", "Sigmoid", "Tanh", "Clip",
      "Identity", "Dropout", "Cast", "Softmax", "LogSoftmax", "BatchNormalization", "Conv", "ConvTranspose",
      "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Neg", "Exp", "Log", "Sqrt", "Abs",
      "Pad", "Slice", "Transpose", "Concat", "Split", "Tile", "LRN", "Erf", "Sign", "Floor", "Ceil",
      "LayerNormalization", "Gelu", "HardSigmoid", "HardSwish", "Mish", "Softplus", "Reciprocal", "Not");
  private static final Set<String> BROADCASTING = Set.of("Add", "Sub", "Mul", "Div", "Sum", "Where",
      "Pow", "Max", "Min", "Equal", "Greater", "Less");

  /** Collects declared facts of {@code graph}, then propagates them through {@code nodes}. */
  static TensorTypes infer(GraphProto graph, List<NodeProto> nodes) {
    TensorTypes t = new TensorTypes();
    for (TensorProto init : graph.getInitializerList()) {
      t.elemTypes.put(init.getName(), init.getDataType());
      t.ranks.put(init.getName(), init.getDimsCount());
      if (init.getDimsCount() == 1) {
        t.lengths.put(init.getName(), (int) init.getDims(0));
      }
    }
    for (List<ValueInfoProto> infos : List.of(graph.getInputList(), graph.getValueInfoList(), graph.getOutputList())) {
      for (ValueInfoProto vi : infos) {
        t.declare(vi);
      }
    }
    t.propagate(nodes);
    return t;
  }

  void declare(ValueInfoProto vi) {
    if (!vi.hasType() || !vi.getType().hasTensorType()) {
      return;
    }
    var tensor = vi.getType().getTensorType();
    if (tensor.getElemType() != 0) {
      elemTypes.putIfAbsent(vi.getName(), tensor.getElemType());
    }
    if (tensor.hasShape()) {
      ranks.putIfAbsent(vi.getName(), tensor.getShape().getDimCount());
    }
  }

  void propagate(List<NodeProto> nodes) {
    for (NodeProto n : nodes) {
      for (int i = 0; i < n.getOutputCount(); i++) {
        String out = n.getOutput(i);
        if (out.isEmpty()) {
          continue;
        }
        Integer type = elemType(n, i);
        if (type != null) {
          elemTypes.putIfAbsent(out, type);
        }
        Integer rank = rank(n, i);
        if (rank != null) {
          ranks.putIfAbsent(out, rank);
        }
        Integer length = length(n);
        if (length != null && i == 0) {
          lengths.putIfAbsent(out, length);
        }
      }
    }
  }

  /** The element type (TensorProto.DataType number) of a tensor, or 0 when unknown. */
  int elemType(String tensor) {
    return elemTypes.getOrDefault(tensor, 0);
  }

  private Integer elemType(NodeProto n, int output) {
    String op = n.getOpType();
    if (INT64_RESULT.contains(op) || ((op.equals("MaxPool") || op.equals("TopK")) && output == 1)) {
      return TensorProto.DataType.INT64_VALUE;
    }
    if (BOOL_RESULT.contains(op)) {
      return TensorProto.DataType.BOOL_VALUE;
    }
    switch (op) {
      case "Cast":
        return (int) NodeAttributes.getInt(n, "to", 0);
      case "Constant":
      case "ConstantOfShape": {
        AttributeProto value = NodeAttributes.find(n, "value");
        if (value != null) {
          return value.getT().getDataType();
        }
        if (op.equals("ConstantOfShape") || NodeAttributes.has(n, "value_float")
            || NodeAttributes.has(n, "value_floats")) {
          return TensorProto.DataType.FLOAT_VALUE;
        }
        return NodeAttributes.has(n, "value_int") || NodeAttributes.has(n, "value_ints")
            ? TensorProto.DataType.INT64_VALUE : null;
      }
      case "Where":
        return known(elemTypes, n.getInputCount() > 1 ? n.getInput(1) : "");
      default:
        return n.getInputCount() > 0 ? known(elemTypes, n.getInput(0)) : null;
    }
  }

  private Integer rank(NodeProto n, int output) {
    String op = n.getOpType();
    Integer r0 = n.getInputCount() > 0 ? known(ranks, n.getInput(0)) : null;
    if (SAME_RANK.contains(op)) {
      return r0;
    }
    if (BROADCASTING.contains(op)) {
      int max = -1;
      for (String in : n.getInputList()) {
        Integer r = known(ranks, in);
        if (r == null) {
          return null;
        }
        max = Math.max(max, r);
      }
      return max < 0 ? null : max;
    }
    switch (op) {
      case "Flatten":
      case "Gemm":
        return 2;
      case "Reshape":
        return known(lengths, n.getInput(1));
      case "Expand": {
        Integer len = known(lengths, n.getInput(1));
        return r0 == null || len == null ? null : Math.max(r0, len);
      }
      case "Unsqueeze":
      case "Squeeze": {
        Integer count = axisCount(n);
        if (r0 == null || count == null) {
          return null;
        }
        return op.equals("Unsqueeze") ? r0 + count : r0 - count;
      }
      case "Gather": {
        Integer ri = known(ranks, n.getInput(1));
        return r0 == null || ri == null ? null : r0 + ri - 1;
      }
      case "ReduceMean":
      case "ReduceSum":
      case "ReduceMax":
      case "ReduceMin":
      case "ReduceL2": {
        if (r0 == null) {
          return null;
        }
        if (NodeAttributes.getInt(n, "keepdims", 1) == 1) {
          return r0;
        }
        boolean axesGiven = NodeAttributes.has(n, "axes") || (n.getInputCount() > 1 && !n.getInput(1).isEmpty());
        Integer count = axisCount(n);
        return !axesGiven ? Integer.valueOf(0) : count == null ? null : r0 - count;
      }
      case "Shape":
        return 1;
      case "Size":
        return 0;
      case "MatMul": {
        Integer r1 = known(ranks, n.getInput(1));
        if (r0 == null || r1 == null) {
          return null;
        }
        if (r0 == 1 && r1 == 1) {
          return 0;
        }
        return r0 == 1 ? r1 - 1 : r1 == 1 ? r0 - 1 : Math.max(r0, r1);
      }
      case "Constant": {
        AttributeProto value = NodeAttributes.find(n, "value");
        if (value != null) {
          return value.getT().getDimsCount();
        }
        return NodeAttributes.has(n, "value_float") || NodeAttributes.has(n, "value_int") ? 0 : 1;
      }
      default:
        return null;
    }
  }

  /** The number of axes of a Squeeze/Unsqueeze/Reduce node (attribute or input 1), or null. */
  private Integer axisCount(NodeProto n) {
    long[] attr = NodeAttributes.getInts(n, "axes");
    if (attr != null) {
      return attr.length;
    }
    return n.getInputCount() > 1 ? known(lengths, n.getInput(1)) : null;
  }

  /** The static length of a node's first output when it is a 1-D shape-like vector, or null. */
  private Integer length(NodeProto n) {
    switch (n.getOpType()) {
      case "Constant": {
        AttributeProto value = NodeAttributes.find(n, "value");
        if (value != null) {
          return value.getT().getDimsCount() == 1 ? Integer.valueOf((int) value.getT().getDims(0)) : null;
        }
        long[] ints = NodeAttributes.getInts(n, "value_ints");
        return ints == null ? null : ints.length;
      }
      case "Shape":
        // opset 15's start/end would select a part: only the plain form is counted
        return NodeAttributes.has(n, "start") || NodeAttributes.has(n, "end") ? null : known(ranks, n.getInput(0));
      case "Identity":
      case "Cast":
        return known(lengths, n.getInput(0));
      case "Unsqueeze": {
        Integer r0 = known(ranks, n.getInput(0));
        return r0 != null && r0 == 0 && Integer.valueOf(1).equals(axisCount(n)) ? Integer.valueOf(1) : null;
      }
      case "Concat": {
        int sum = 0;
        for (String in : n.getInputList()) {
          Integer len = known(lengths, in);
          if (len == null) {
            return null;
          }
          sum += len;
        }
        return sum;
      }
      default:
        return null;
    }
  }

  private static Integer known(Map<String, Integer> map, String name) {
    return name.isEmpty() ? null : map.get(name);
  }
}
