package dev.sscam.onnx.gradient;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.sscam.SscamException;
import dev.sscam.onnx.OnnxGraphBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles the gradient of a classifier's head into an ONNX graph (reverse-mode automatic
 * differentiation at graph level). For a target tensor A and output z, with L = Σ seed ⊙ z, the
 * compiled graph computes {@code dL/dA} by visiting the head's nodes in reverse topological order
 * and applying each op's vector-Jacobian product ({@link VjpRule}), summing the contributions of
 * tensors read by several nodes.
 */
public final class HeadGradient {
  private HeadGradient() {}

  /**
   * Compiles {@code dL/dA} for the head of {@code model} from {@code targetTensor} (A) to
   * {@code outputTensor} (z, float [N, C]).
   *
   * @throws SscamException when a tensor is missing, the output does not depend on the target, or
   *     a node on the gradient path has no VJP rule (message names op type and node)
   */
  public static GradientGraph compile(ModelProto model, String targetTensor, String outputTensor) {
    return compile(model, targetTensor, outputTensor, false, Map.of(), ForwardValues.NONE);
  }

  /**
   * As {@link #compile(ModelProto, String, String)}, but the head does not recompute what the
   * forward run already has: the outputs of its costly nodes ({@link #COSTLY}: MatMul, Gemm, Conv,
   * ...) become graph inputs ({@link GradientGraph#forwardValues()}) fed from the same forward run
   * as A. Their VJPs stay (∂/∂X of {@code Y = X·W} is {@code dY·Wᵀ}, which needs W, not Y), so the
   * gradient is the same; a transformer block's QKV projection over every token is then computed
   * once per map, not twice.
   */
  public static GradientGraph compileReusingForward(ModelProto model, String targetTensor, String outputTensor) {
    return compile(model, targetTensor, outputTensor, false, Map.of(), (name, shape) -> true);
  }

  /** Ops whose outputs are fed from the forward run when the forward's values are reused. */
  static final Set<String> COSTLY = Set.of("MatMul", "Gemm", "Conv", "ConvTranspose", "Einsum", "MatMulInteger");

  /** Which head tensors the forward run can feed: by name, with their shape in the head (or null). */
  @FunctionalInterface
  interface ForwardValues {
    ForwardValues NONE = (name, shape) -> false;

    boolean available(String name, long[] shape);
  }

  /**
   * As {@link #compile(ModelProto, String, String)}, for a {@link RegionPruning pruned} head.
   *
   * @param inputsFed {@code model} is a head already cut out whose other graph inputs are fed, and
   *     nodes that compute from them alone (a slice of a skip connection) are part of the graph
   * @param shapes the shape of every tensor of the forward graph for fixed input shapes (may be
   *     empty), so that the backward reads shapes as constants instead of computing them
   */
  static GradientGraph compile(ModelProto model, String targetTensor, String outputTensor, boolean inputsFed,
      Map<String, long[]> shapes, ForwardValues forwardValues) {
    int opset = defaultOpset(model);
    if (opset < 9) {
      throw new SscamException("model opset " + opset + " is too old (need 9 or newer)");
    }
    int target = Math.max(opset, OpsetUpgrade.MIN_TARGET);
    GraphProto graph = model.getGraph();
    HeadSubgraph head = HeadSubgraph.find(graph, targetTensor, outputTensor, inputsFed);
    TensorTypes declared = TensorTypes.infer(graph, graph.getNodeList());
    int aType = declared.elemType(targetTensor);
    if (aType != 0 && aType != TensorProto.DataType.FLOAT_VALUE) {
      throw new SscamException("target tensor '" + targetTensor + "' is not float (element type " + aType + ")");
    }

    OnnxGraphBuilder builder = new OnnxGraphBuilder(graph.getName() + "_head_gradient").opset(target);
    builder.reserveNames(allNames(graph));
    GraphEmitter emitter = new GraphEmitter(builder);
    shapes.forEach(emitter::knowShape);

    builder.inputOfUnknownShape(targetTensor, TensorProto.DataType.FLOAT);
    for (String side : head.sideInputs()) {
      int type = declared.elemType(side);
      builder.input(OnnxGraphBuilder.valueInfo(side, type == 0 ? TensorProto.DataType.FLOAT_VALUE : type, null));
    }
    String seed = builder.freshName("sscam_seed");
    builder.inputOfUnknownShape(seed, TensorProto.DataType.FLOAT);
    Map<String, TensorProto> constants = new HashMap<>();
    for (TensorProto init : head.initializers()) {
      builder.initializer(init);
      constants.put(init.getName(), init);
    }

    // forward: the head's nodes in the compiled opset
    Set<String> read = new HashSet<>();
    for (NodeProto n : head.nodes()) {
      read.addAll(n.getInputList());
    }
    read.add(outputTensor);
    OpsetUpgrade upgrade = new OpsetUpgrade(opset, target, emitter, read);
    List<NodeProto> forward = new ArrayList<>();
    for (NodeProto n : head.nodes()) {
      forward.addAll(upgrade.upgrade(n));
    }
    for (NodeProto n : forward) {
      if (n.getOpType().equals("Constant") && NodeAttributes.has(n, "value")) {
        constants.put(n.getOutput(0), NodeAttributes.find(n, "value").getT());
      }
    }
    Set<String> active = activeTensors(forward, targetTensor);
    forward = withSavedOutputs(forward, active, emitter);
    for (NodeProto n : forward) {
      emitter.add(n);
    }
    TensorTypes facts = TensorTypes.infer(graph, List.of());
    // the model's own nodes first: their axes and shape vectors are initializers whose lengths are
    // known, while the upgraded copies read constants added to the compiled graph only
    facts.propagate(head.nodes());
    facts.propagate(forward);

    // backward
    Map<String, List<String>> contributions = new HashMap<>();
    contributions.computeIfAbsent(outputTensor, k -> new ArrayList<>()).add(seed);
    emitter.knowShape(seed, emitter.knownShape(outputTensor));
    for (int i = forward.size() - 1; i >= 0; i--) {
      NodeProto n = forward.get(i);
      String[] outGrads = new String[n.getOutputCount()];
      boolean any = false;
      for (int o = 0; o < outGrads.length; o++) {
        outGrads[o] = summed(contributions.remove(n.getOutput(o)), emitter);
        any |= outGrads[o] != null;
        emitter.knowShape(outGrads[o], emitter.knownShape(n.getOutput(o)));
      }
      if (!any) {
        continue;
      }
      VjpRule rule = VjpRules.rule(n.getOpType());
      if (rule == null) {
        throw new SscamException("cannot compute the gradient through node '" + NodeAttributes.label(n)
            + "' (op " + n.getOpType() + "): no gradient rule for this op");
      }
      rule.emit(new VjpContext(n, emitter, active, outGrads, contributions, constants, facts.ranks));
    }
    String gradA = summed(contributions.get(targetTensor), emitter);
    if (gradA == null) {
      throw new SscamException("output '" + outputTensor + "' does not depend on target '" + targetTensor
          + "' through differentiable operations");
    }
    String gradientOutput = builder.freshName(targetTensor + "_grad");
    builder.node("Identity").inputs(gradA).outputs(gradientOutput).add();
    builder.output(gradientOutput);
    builder.output(outputTensor);
    Set<String> fed = new LinkedHashSet<>();
    for (NodeProto n : forward) {
      if (COSTLY.contains(n.getOpType()) && n.getOutputCount() == 1 && !n.getOutput(0).equals(outputTensor)
          && forwardValues.available(n.getOutput(0), shapes.get(n.getOutput(0)))) {
        fed.add(n.getOutput(0));
      }
    }
    ModelProto rewritten = LowRankProducts.rewrite(PaddedSumProducts.rewrite(builder.build()), emitter::knownShape);
    ModelProto compiled = withoutDeadNodes(feeding(rewritten, fed, declared));
    // A fed value whose readers all died with the nodes it replaced is not asked of the forward run.
    Set<String> readers = new HashSet<>();
    compiled.getGraph().getNodeList().forEach(n -> readers.addAll(n.getInputList()));
    compiled.getGraph().getOutputList().forEach(o -> readers.add(o.getName()));
    Set<String> unread = new HashSet<>(fed);
    unread.removeAll(readers);
    fed.removeAll(unread);
    GraphProto.Builder kept = compiled.getGraph().toBuilder().clearInput();
    compiled.getGraph().getInputList().stream().filter(i -> !unread.contains(i.getName())).forEach(kept::addInput);
    compiled = withoutUnusedInitializers(compiled.toBuilder().setGraph(kept).build());
    return new GradientGraph(compiled, targetTensor, head.sideInputs(), List.copyOf(fed), seed, gradientOutput,
        outputTensor);
  }

  /**
   * The model with each tensor of {@code fed} made a graph input in place of the node computing it
   * (the node's VJP, emitted already, reads only the upstream gradient and the node's inputs).
   */
  private static ModelProto feeding(ModelProto model, Set<String> fed, TensorTypes declared) {
    if (fed.isEmpty()) {
      return model;
    }
    GraphProto.Builder g = model.getGraph().toBuilder().clearNode();
    for (NodeProto n : model.getGraph().getNodeList()) {
      if (!(n.getOutputCount() == 1 && fed.contains(n.getOutput(0)))) {
        g.addNode(n);
      }
    }
    for (String name : fed) {
      int type = declared.elemType(name);
      g.addInput(OnnxGraphBuilder.valueInfo(name, type == 0 ? TensorProto.DataType.FLOAT_VALUE : type, null));
    }
    return model.toBuilder().setGraph(g).build();
  }

  /**
   * The model without nodes whose outputs nothing reads (the part of the head's forward that only
   * led to a tensor now fed), removed until none is left.
   */
  static ModelProto withoutDeadNodes(ModelProto model) {
    List<NodeProto> nodes = new ArrayList<>(model.getGraph().getNodeList());
    Set<String> outputs = new HashSet<>();
    for (ValueInfoProto o : model.getGraph().getOutputList()) {
      outputs.add(o.getName());
    }
    boolean removed = true;
    while (removed) {
      Set<String> read = new HashSet<>(outputs);
      for (NodeProto n : nodes) {
        read.addAll(n.getInputList());
      }
      removed = nodes.removeIf(n -> n.getOutputList().stream().noneMatch(read::contains));
    }
    return model.toBuilder().setGraph(model.getGraph().toBuilder().clearNode().addAllNode(nodes)).build();
  }

  /**
   * The model without initializers that no node reads (constants a rule made and then did not use),
   * which ONNX Runtime would otherwise warn about on every session.
   */
  static ModelProto withoutUnusedInitializers(ModelProto model) {
    Set<String> read = new HashSet<>();
    for (NodeProto n : model.getGraph().getNodeList()) {
      read.addAll(n.getInputList());
    }
    for (ValueInfoProto o : model.getGraph().getOutputList()) {
      read.add(o.getName());
    }
    GraphProto.Builder g = model.getGraph().toBuilder().clearInitializer();
    for (TensorProto t : model.getGraph().getInitializerList()) {
      if (read.contains(t.getName())) {
        g.addInitializer(t);
      }
    }
    return model.toBuilder().setGraph(g).build();
  }

  /** The default-domain opset the model imports. */
  static int defaultOpset(ModelProto model) {
    for (OperatorSetIdProto id : model.getOpsetImportList()) {
      if (id.getDomain().isEmpty() || id.getDomain().equals("ai.onnx")) {
        return (int) id.getVersion();
      }
    }
    throw new SscamException("model declares no default-domain (ai.onnx) opset");
  }

  /** Tensors depending on the target through ops whose outputs carry gradients. */
  private static Set<String> activeTensors(List<NodeProto> forward, String target) {
    Set<String> active = new HashSet<>();
    active.add(target);
    for (NodeProto n : forward) {
      boolean reads = n.getInputList().stream().anyMatch(active::contains);
      if (!reads) {
        continue;
      }
      for (int o = 0; o < n.getOutputCount(); o++) {
        if (!n.getOutput(o).isEmpty() && VjpRules.differentiableOutput(n, o)) {
          active.add(n.getOutput(o));
        }
      }
    }
    return active;
  }

  /**
   * Nodes on the gradient path get the optional outputs their VJPs read, when the exporter left them
   * out: MaxPool its Indices (its VJP scatters through them); LayerNormalization over the last axis
   * its Mean and InvStdDev (its VJP reads μ and 1/σ instead of recomputing them in nine ops,
   * {@link LayerNormalizationVjp}).
   */
  private static List<NodeProto> withSavedOutputs(List<NodeProto> forward, Set<String> active,
      GraphEmitter emitter) {
    List<NodeProto> out = new ArrayList<>(forward.size());
    for (NodeProto n : forward) {
      List<String> saved = active.contains(n.getOutput(0)) ? savedOutputs(n) : List.of();
      if (!saved.isEmpty()) {
        NodeProto.Builder b = n.toBuilder();
        for (int o = 1; o <= saved.size(); o++) {
          if (b.getOutputCount() <= o) {
            b.addOutput(emitter.fresh(n.getOutput(0) + saved.get(o - 1)));
          } else if (b.getOutput(o).isEmpty()) {
            b.setOutput(o, emitter.fresh(n.getOutput(0) + saved.get(o - 1)));
          }
        }
        n = b.build();
      }
      out.add(n);
    }
    return out;
  }

  /** Name suffixes of the outputs 1, 2, ... that {@code n}'s VJP reads (empty: none). */
  private static List<String> savedOutputs(NodeProto n) {
    if (n.getOpType().equals("MaxPool")) {
      return List.of("_indices");
    }
    if (n.getOpType().equals("LayerNormalization") && n.getDomain().isEmpty()
        && NodeAttributes.getInt(n, "axis", -1) == -1) {
      return List.of("_mean", "_inv_std_dev");
    }
    return List.of();
  }

  /** The sum of a tensor's gradient contributions (null when none). */
  private static String summed(List<String> terms, GraphEmitter emitter) {
    if (terms == null || terms.isEmpty()) {
      return null;
    }
    if (terms.size() == 1) {
      return terms.get(0);
    }
    return emitter.op("Sum", terms.toArray(new String[0]));
  }

  /** Every name the graph uses: node inputs, outputs and names, initializers, inputs, outputs, value infos. */
  static Set<String> allNames(GraphProto graph) {
    Set<String> names = new HashSet<>();
    for (NodeProto n : graph.getNodeList()) {
      names.addAll(n.getInputList());
      names.addAll(n.getOutputList());
      names.add(n.getName());
    }
    for (TensorProto t : graph.getInitializerList()) {
      names.add(t.getName());
    }
    for (List<ValueInfoProto> infos : List.of(graph.getInputList(), graph.getOutputList(), graph.getValueInfoList())) {
      for (ValueInfoProto vi : infos) {
        names.add(vi.getName());
      }
    }
    return names;
  }
}
