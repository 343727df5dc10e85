package dev.sscam.onnx.gradient;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.sscam.SscamException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Brings a copied forward node from the model's opset {@code v} to the compiled graph's opset
 * {@code T = max(v, 18)} (see the package documentation for why). Between opset 9 and 18 the ops a
 * head uses changed form in a handful of ways, each rewritten here:
 *
 * <ul>
 *   <li>axes moved from attribute to input: Squeeze/Unsqueeze/ReduceSum (13), the other Reduce*
 *       (18); Split's split (13), and Split without sizes gets num_outputs (18);
 *   <li>Slice (10), Clip (11) and Pad (11) took their attributes as inputs;
 *   <li>Softmax/LogSoftmax/Hardmax before 13 flatten to 2-D at axis: rewritten as
 *       {@code Reshape(op(Flatten(x, axis), axis=1), Shape(x))};
 *   <li>Dropout becomes Identity (inference). Its mask output is refused only when a head node
 *       reads it: PyTorch's exporter names the mask even when nothing uses it (Swin's attention
 *       dropout, exported with {@code training=True} and ratio 0).
 * </ul>
 *
 * Ops in {@link #STABLE} kept their inputs, attributes and meaning across those versions (only
 * gaining types or optional attributes with backward-compatible defaults) and are copied as they
 * are. Any other op in an older model is refused rather than reinterpreted.
 *
 * <p>Ops that entered ONNX after opset 9 belong in the set when their later versions changed
 * nothing a model of an older opset can use: LayerNormalization has had one version (17) so far,
 * so an opset-17 model (PyTorch's TorchScript exporter from 1.13 on) is copied unchanged into the
 * opset-18 graph; HardSwish (14) likewise; ScatterND (11; Swin's attention mask, built from
 * shapes) gained the optional {@code reduction} attribute at 16 and 18 with the default "none",
 * the old meaning.
 */
final class OpsetUpgrade {
  /** The opset of every compiled gradient graph at least: ScatterElements(reduction=add) needs 16, axes-as-inputs everywhere needs 18. */
  static final int MIN_TARGET = 18;

  private static final Set<String> STABLE = Set.of(
      "Abs", "Add", "And", "ArgMax", "ArgMin", "AveragePool", "BatchNormalization", "Cast", "Ceil",
      "Concat", "Constant", "ConstantOfShape", "Conv", "ConvTranspose", "Div", "Einsum", "Elu", "Equal",
      "Erf", "Exp", "Expand", "Flatten", "Floor", "Gather", "GatherElements", "GatherND", "Gemm",
      "GlobalAveragePool", "GlobalMaxPool", "Greater", "GreaterOrEqual", "HardSigmoid", "HardSwish",
      "Identity", "InstanceNormalization", "IsInf", "IsNaN", "LRN", "LayerNormalization", "LeakyRelu", "Less",
      "LessOrEqual",
      "Log", "MatMul", "Max", "MaxPool", "Mean", "Min", "Mod", "Mul", "Neg", "NonZero", "Not", "Or",
      "PRelu", "Pow", "Range", "Reciprocal", "Relu", "Reshape", "Round", "ScatterElements", "ScatterND", "Selu",
      "Shape", "Sigmoid", "Sign", "Size", "Softplus", "Softsign", "Sqrt", "Sub", "Sum", "Tanh", "Tile",
      "Transpose", "Where", "Xor", "Pad", "Clip", "Slice", "Squeeze", "Unsqueeze", "Split", "Softmax",
      "LogSoftmax", "Hardmax", "ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd",
      "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare");

  private final int from;
  private final int to;
  private final GraphEmitter emitter;
  private final Set<String> read;

  /** {@code read}: the tensors that the head's nodes read (a Dropout mask outside it is harmless). */
  OpsetUpgrade(int from, int to, GraphEmitter emitter, Set<String> read) {
    this.from = from;
    this.to = to;
    this.emitter = emitter;
    this.read = read;
  }

  /** The node rewritten for the target opset (one or more nodes, in order). */
  List<NodeProto> upgrade(NodeProto node) {
    String op = node.getOpType();
    List<NodeProto> out = new ArrayList<>();
    if (op.equals("Dropout")) {
      if (node.getOutputCount() > 1 && read.contains(node.getOutput(1))) {
        throw refuse(node, "its mask output is used");
      }
      out.add(NodeProto.newBuilder().setName(node.getName()).setOpType("Identity")
          .addInput(node.getInput(0)).addOutput(node.getOutput(0)).build());
      return out;
    }
    if (from >= to) {
      out.add(node);
      return out;
    }
    if (!STABLE.contains(op)) {
      throw refuse(node, "its op is not known to keep its meaning from opset " + from + " to " + to);
    }
    switch (op) {
      case "Squeeze", "Unsqueeze" -> out.add(from < 13 ? attributeToInput(node, "axes", 1) : node);
      case "ReduceSum" -> out.add(from < 13 ? attributeToInput(node, "axes", 1) : node);
      case "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum",
          "ReduceLogSumExp", "ReduceSumSquare" -> out.add(attributeToInput(node, "axes", 1));
      case "Split" -> out.add(split(node));
      case "Slice" -> out.add(from < 10 ? slice(node) : node);
      case "Clip" -> out.add(from < 11 ? clip(node) : node);
      case "Pad" -> out.add(from < 11 ? pad(node) : node);
      case "Softmax", "LogSoftmax", "Hardmax" -> {
        if (from < 13) {
          out.addAll(flattenedSoftmax(node));
        } else {
          out.add(node);
        }
      }
      default -> out.add(node);
    }
    return out;
  }

  private SscamException refuse(NodeProto node, String why) {
    return new SscamException("cannot compile the head gradient through node '" + NodeAttributes.label(node)
        + "' (op " + node.getOpType() + ", opset " + from + "): " + why);
  }

  /** Moves INTS attribute {@code name} to input position {@code index} (omitted when absent). */
  private NodeProto attributeToInput(NodeProto node, String name, int index) {
    long[] values = NodeAttributes.getInts(node, name);
    if (values == null) {
      return node;
    }
    NodeProto.Builder b = withoutAttributes(node, name);
    while (b.getInputCount() < index) {
      b.addInput("");
    }
    b.addInput(emitter.int64s(values));
    return b.build();
  }

  private NodeProto split(NodeProto node) {
    NodeProto n = from < 13 ? attributeToInput(node, "split", 1) : node;
    boolean hasSizes = n.getInputCount() > 1 && !n.getInput(1).isEmpty();
    if (hasSizes || NodeAttributes.has(n, "num_outputs")) {
      return n;
    }
    // opset 18 wants either sizes or num_outputs; before, equal parts were implied
    return n.toBuilder().addAttribute(AttributeProto.newBuilder().setName("num_outputs")
        .setType(AttributeProto.AttributeType.INT).setI(n.getOutputCount())).build();
  }

  private NodeProto slice(NodeProto node) {
    long[] starts = NodeAttributes.getInts(node, "starts");
    long[] ends = NodeAttributes.getInts(node, "ends");
    long[] axes = NodeAttributes.getInts(node, "axes");
    NodeProto.Builder b = withoutAttributes(node, "starts", "ends", "axes");
    b.addInput(emitter.int64s(starts)).addInput(emitter.int64s(ends));
    if (axes != null) {
      b.addInput(emitter.int64s(axes));
    }
    return b.build();
  }

  private NodeProto clip(NodeProto node) {
    NodeProto.Builder b = withoutAttributes(node, "min", "max");
    b.addInput(NodeAttributes.has(node, "min")
        ? emitter.floatScalar(NodeAttributes.getFloat(node, "min", 0f)) : "");
    b.addInput(NodeAttributes.has(node, "max")
        ? emitter.floatScalar(NodeAttributes.getFloat(node, "max", 0f)) : "");
    return b.build();
  }

  private NodeProto pad(NodeProto node) {
    long[] pads = NodeAttributes.getInts(node, "pads");
    if (pads == null) {
      throw refuse(node, "pads attribute missing");
    }
    NodeProto.Builder b = withoutAttributes(node, "pads", "value");
    b.addInput(emitter.int64s(pads));
    b.addInput(emitter.floatScalar(NodeAttributes.getFloat(node, "value", 0f)));
    return b.build();
  }

  private List<NodeProto> flattenedSoftmax(NodeProto node) {
    long axis = NodeAttributes.getInt(node, "axis", 1);
    String x = node.getInput(0);
    String flat = emitter.fresh(x + "_flat2d");
    String soft = emitter.fresh(node.getOutput(0) + "_2d");
    String shape = emitter.fresh(x + "_shape");
    List<NodeProto> nodes = new ArrayList<>();
    nodes.add(NodeProto.newBuilder().setOpType("Flatten").addInput(x).addOutput(flat)
        .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(axis))
        .build());
    nodes.add(NodeProto.newBuilder().setOpType(node.getOpType()).setName(node.getName()).addInput(flat)
        .addOutput(soft)
        .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(1))
        .build());
    nodes.add(NodeProto.newBuilder().setOpType("Shape").addInput(x).addOutput(shape).build());
    nodes.add(NodeProto.newBuilder().setOpType("Reshape").addInput(soft).addInput(shape)
        .addOutput(node.getOutput(0)).build());
    return nodes;
  }

  private static NodeProto.Builder withoutAttributes(NodeProto node, String... names) {
    NodeProto.Builder b = node.toBuilder().clearAttribute();
    for (AttributeProto a : node.getAttributeList()) {
      if (!List.of(names).contains(a.getName())) {
        b.addAttribute(a);
      }
    }
    return b;
  }
}
