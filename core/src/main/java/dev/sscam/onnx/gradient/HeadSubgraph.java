package dev.sscam.onnx.gradient;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.sscam.SscamException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The part of a graph between a target tensor A and an output z: the head nodes (those on some
 * path from A to z), the constant-only nodes they need (e.g. Constant shape vectors, computed from
 * initializers alone), the initializers they read, and the side inputs: the other tensors the head
 * reads, which depend on the graph inputs but not on A (a residual skip connection, the image
 * itself), whose values must come from a forward run of the whole model.
 */
record HeadSubgraph(List<NodeProto> nodes, List<TensorProto> initializers, List<String> sideInputs) {

  /** Finds the head of {@code graph} from {@code target} to {@code output}. */
  static HeadSubgraph find(GraphProto graph, String target, String output) {
    return find(graph, target, output, false);
  }

  /**
   * As {@link #find(GraphProto, String, String)}; with {@code inputsFed}, {@code graph} is a head
   * already cut out (its other graph inputs are fed), so nodes computing from those inputs and
   * constants alone (a slice of a skip connection) are copied like constant nodes, and the graph
   * inputs they read become the side inputs.
   */
  static HeadSubgraph find(GraphProto graph, String target, String output, boolean inputsFed) {
    Map<String, Integer> producer = new HashMap<>();
    List<NodeProto> all = graph.getNodeList();
    for (int i = 0; i < all.size(); i++) {
      for (String out : all.get(i).getOutputList()) {
        if (!out.isEmpty()) {
          producer.put(out, i);
        }
      }
    }
    Map<String, TensorProto> inits = new HashMap<>();
    for (TensorProto t : graph.getInitializerList()) {
      inits.put(t.getName(), t);
    }
    Set<String> graphInputs = new HashSet<>();
    for (ValueInfoProto vi : graph.getInputList()) {
      graphInputs.add(vi.getName());
    }
    if (!producer.containsKey(target) && !graphInputs.contains(target)) {
      throw new SscamException("target tensor '" + target + "' is not produced by any node of the model");
    }
    if (inits.containsKey(target)) {
      throw new SscamException("target tensor '" + target + "' is a weight (initializer), not an activation");
    }
    if (!producer.containsKey(output)) {
      throw new SscamException("output tensor '" + output + "' is not produced by any node of the model");
    }
    if (target.equals(output)) {
      throw new SscamException("target and output are the same tensor '" + target + "'");
    }

    // forward: tensors depending on the target
    Set<String> dependent = new HashSet<>();
    dependent.add(target);
    boolean[] readsTarget = new boolean[all.size()];
    for (int i = 0; i < all.size(); i++) {
      NodeProto n = all.get(i);
      for (String in : n.getInputList()) {
        if (dependent.contains(in)) {
          readsTarget[i] = true;
        }
      }
      if (readsTarget[i]) {
        for (String out : n.getOutputList()) {
          if (!out.isEmpty()) {
            dependent.add(out);
          }
        }
      }
    }
    if (!dependent.contains(output)) {
      throw new SscamException("output '" + output + "' does not depend on target '" + target + "'");
    }
    // backward: tensors the output depends on
    Set<String> needed = new HashSet<>();
    needed.add(output);
    boolean[] feedsOutput = new boolean[all.size()];
    for (int i = all.size() - 1; i >= 0; i--) {
      NodeProto n = all.get(i);
      for (String out : n.getOutputList()) {
        if (needed.contains(out)) {
          feedsOutput[i] = true;
        }
      }
      if (feedsOutput[i]) {
        needed.addAll(n.getInputList());
      }
    }

    Set<Integer> chosen = new HashSet<>();
    Set<String> headOutputs = new HashSet<>();
    for (int i = 0; i < all.size(); i++) {
      if (readsTarget[i] && feedsOutput[i]) {
        NodeProto n = all.get(i);
        checkCopyable(n);
        chosen.add(i);
        headOutputs.addAll(n.getOutputList());
      }
    }
    Set<String> fed = new HashSet<>();
    if (inputsFed) {
      fed.addAll(graphInputs);
      fed.remove(target);
    }
    ConstantClosure constants = new ConstantClosure(all, producer, inits, graphInputs, fed);
    Set<String> usedInits = new LinkedHashSet<>();
    Set<String> sides = new LinkedHashSet<>();
    for (int i : new ArrayList<>(chosen)) {
      for (String in : all.get(i).getInputList()) {
        if (in.isEmpty() || in.equals(target) || headOutputs.contains(in)) {
          continue;
        }
        if (inits.containsKey(in)) {
          usedInits.add(in);
        } else if (constants.isConstant(in)) {
          constants.collect(in, chosen, usedInits, sides);
        } else {
          sides.add(in);
        }
      }
    }
    List<NodeProto> nodes = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      if (chosen.contains(i)) {
        nodes.add(all.get(i));
      }
    }
    List<TensorProto> initializers = new ArrayList<>();
    for (String name : usedInits) {
      initializers.add(inits.get(name));
    }
    // keep side inputs in graph order for a stable API
    return new HeadSubgraph(nodes, initializers, new ArrayList<>(sides));
  }

  private static void checkCopyable(NodeProto n) {
    if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
      throw new SscamException("cannot compute the gradient through node '" + NodeAttributes.label(n) + "' (op "
          + n.getOpType() + "): domain '" + n.getDomain() + "' is not supported (standard ONNX ops only)");
    }
    for (AttributeProto a : n.getAttributeList()) {
      if (a.hasG() || a.getGraphsCount() > 0) {
        throw new SscamException("cannot compute the gradient through node '" + NodeAttributes.label(n)
            + "' (op " + n.getOpType() + "): control flow with subgraphs is not supported");
      }
    }
  }

  /** Tensors computable from initializers alone (no graph input), and the nodes computing them. */
  private static final class ConstantClosure {
    private final List<NodeProto> all;
    private final Map<String, Integer> producer;
    private final Map<String, TensorProto> inits;
    private final Set<String> graphInputs;
    private final Set<String> fed;
    private final Map<String, Boolean> memo = new HashMap<>();

    ConstantClosure(List<NodeProto> all, Map<String, Integer> producer, Map<String, TensorProto> inits,
        Set<String> graphInputs, Set<String> fed) {
      this.all = all;
      this.producer = producer;
      this.inits = inits;
      this.graphInputs = graphInputs;
      this.fed = fed;
    }

    boolean isConstant(String t) {
      if (t.isEmpty() || inits.containsKey(t) || fed.contains(t)) {
        return true;
      }
      Boolean known = memo.get(t);
      if (known != null) {
        return known;
      }
      boolean result = false;
      Integer p = producer.get(t);
      if (p != null && !graphInputs.contains(t)) {
        NodeProto n = all.get(p);
        String op = n.getOpType();
        boolean random = op.startsWith("Random") || op.equals("Multinomial");
        boolean standard = n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx");
        boolean subgraph = n.getAttributeList().stream().anyMatch(a -> a.hasG() || a.getGraphsCount() > 0);
        result = standard && !random && !subgraph;
        for (String in : n.getInputList()) {
          result &= isConstant(in);
        }
      }
      memo.put(t, result);
      return result;
    }

    void collect(String t, Set<Integer> nodes, Set<String> usedInits, Set<String> sides) {
      if (t.isEmpty()) {
        return;
      }
      if (inits.containsKey(t)) {
        usedInits.add(t);
        return;
      }
      if (fed.contains(t)) {
        sides.add(t);
        return;
      }
      int p = producer.get(t);
      if (nodes.add(p)) {
        for (String in : all.get(p).getInputList()) {
          collect(in, nodes, usedInits, sides);
        }
      }
    }
  }
}
