package dev.sscam.onnx.gradient;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.sscam.SscamException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a {@link VjpRule} sees of one forward node while the backward pass visits it: the node
 * (already in the compiled graph's opset), which inputs need a gradient, the gradients arriving at
 * its outputs, static facts (constant inputs, ranks) and the {@link GraphEmitter} to write nodes.
 */
final class VjpContext {
  private final NodeProto node;
  private final GraphEmitter emitter;
  private final Set<String> active;
  private final String[] outputGradients;
  private final Map<String, List<String>> contributions;
  private final Map<String, TensorProto> constants;
  private final Map<String, Integer> ranks;

  VjpContext(
      NodeProto node,
      GraphEmitter emitter,
      Set<String> active,
      String[] outputGradients,
      Map<String, List<String>> contributions,
      Map<String, TensorProto> constants,
      Map<String, Integer> ranks) {
    this.node = node;
    this.emitter = emitter;
    this.active = active;
    this.outputGradients = outputGradients;
    this.contributions = contributions;
    this.constants = constants;
    this.ranks = ranks;
  }

  NodeProto node() {
    return node;
  }

  GraphEmitter emit() {
    return emitter;
  }

  /** Name of input i, or "" when omitted. */
  String input(int i) {
    return i < node.getInputCount() ? node.getInput(i) : "";
  }

  boolean hasInput(int i) {
    return !input(i).isEmpty();
  }

  String output(int i) {
    return node.getOutput(i);
  }

  int inputCount() {
    return node.getInputCount();
  }

  int outputCount() {
    return node.getOutputCount();
  }

  /** True when input i depends on the target through differentiable ops (needs a gradient). */
  boolean needsGradient(int i) {
    return hasInput(i) && active.contains(input(i));
  }

  /** The gradient arriving at output i, or null when none does. */
  String outputGradient(int i) {
    return i < outputGradients.length ? outputGradients[i] : null;
  }

  /** Records {@code grad} as (one term of) the gradient of input i. */
  void addGradient(int i, String grad) {
    contributions.computeIfAbsent(input(i), k -> new ArrayList<>()).add(grad);
  }

  /** Throws unless the inputs at the given positions need no gradient. */
  void requireNoGradient(String what, int... inputs) {
    for (int i : inputs) {
      if (needsGradient(i)) {
        throw unsupported("the gradient with respect to its " + what + " (input " + i + ") is not supported");
      }
    }
  }

  /** The values of input i when it is a constant int64 tensor (initializer or Constant), else null. */
  long[] constantInt64s(int i) {
    TensorProto t = constants.get(input(i));
    if (t == null || t.getDataType() != TensorProto.DataType.INT64_VALUE) {
      return null;
    }
    return TensorValues.int64s(t);
  }

  /** The dimensions of input i when it is a constant tensor, else null. */
  long[] constantDims(int i) {
    TensorProto t = constants.get(input(i));
    if (t == null) {
      return null;
    }
    long[] d = new long[t.getDimsCount()];
    for (int k = 0; k < d.length; k++) {
      d[k] = t.getDims(k);
    }
    return d;
  }

  /**
   * {@code t}, a reduce op's output or its gradient, given back the reduced axes when the op dropped
   * them (keepdims=0, axes as input), so that it broadcasts over the op's input.
   */
  String withReducedAxes(String t) {
    return attrInt("keepdims", 1) == 0 && hasInput(1) ? emit().op("Unsqueeze", t, input(1)) : t;
  }

  /** The statically known rank of a tensor, or -1. */
  int rank(String tensor) {
    Integer r = ranks.get(tensor);
    return r == null ? -1 : r;
  }

  long attrInt(String name, long dflt) {
    return NodeAttributes.getInt(node, name, dflt);
  }

  long[] attrInts(String name) {
    return NodeAttributes.getInts(node, name);
  }

  float attrFloat(String name, float dflt) {
    return NodeAttributes.getFloat(node, name, dflt);
  }

  String attrString(String name, String dflt) {
    return NodeAttributes.getString(node, name, dflt);
  }

  /** The error for a node this rule cannot differentiate, naming op type and node. */
  SscamException unsupported(String why) {
    return new SscamException(
        "cannot compute the gradient through node '" + NodeAttributes.label(node) + "' (op "
            + node.getOpType() + "): " + why);
  }
}
