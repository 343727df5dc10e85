package dev.sscam.onnx.gradient;

import ai.onnx.proto.OnnxMl.AttributeProto;
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
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The whole model and a compiled head gradient ({@link GradientGraph}) merged into one ONNX graph,
 * so that a single session run gives the logits z, the target activations A and
 * {@code dL/dA = Σ_{n,c} s[n,c] · ∂z[n,c]/∂A} for the image batch.
 *
 * <p>Why: two sessions (the model with A added as an output, then the head's gradient graph) cost
 * one extra session run per map, and on a small model that fixed cost is most of a Grad-CAM's
 * overhead over a plain forward pass (on the 6 ms ViT, 1.19 plain passes with two sessions, 1.06
 * merged). Merged, the backward reads A, the skip connections and the forward values straight from
 * the model's own tensors, in the same run.
 *
 * <p>The seed is {@code s = given + topOne ⊙ OneHot(ArgMax(z)) + firstTopOne ⊙ OneHot(ArgMax(z_0))}:
 * rows of {@code given} seed a class known before the run, rows with {@code topOne = 1} seed the
 * image's own top-1 class, and rows with {@code firstTopOne = 1} the top-1 class of the batch's first
 * image (Smooth Grad-CAM++'s noisy copies, batched with the image whose class they take), all found
 * in the same run. The ArgMax output tells the caller which classes were seeded (ONNX's ArgMax takes
 * the first maximum, as sscam's top-1 does).
 *
 * <p>The model is brought to the gradient graph's opset by {@link OpsetUpgrade} (an opset-17
 * transformer copies unchanged into 18); a model that cannot be merged is refused with an
 * {@link SscamException}, and its gradients keep running in two sessions.
 */
public final class ForwardBackwardGraph {
  private ForwardBackwardGraph() {}

  /**
   * A merged graph.
   *
   * @param model the ONNX model; its inputs are the original model's, {@code givenSeed} and {@code topOne}
   * @param givenSeed graph input, float [N, C]: the seed of the rows whose class is known
   * @param topOne graph input, float [N, 1]: 1 for the rows whose top-1 class is seeded, else 0
   * @param firstTopOne graph input, float [N, 1]: 1 for the rows seeded with the first row's top-1 class, else 0
   * @param seededTopOne graph output, int64 [N]: each row's top-1 class (seeded where {@code topOne} is 1)
   * @param gradient graph output, float, shape of A: {@code dL/dA}
   */
  public record Merged(ModelProto model, String givenSeed, String topOne, String firstTopOne, String seededTopOne,
      String gradient) {}

  /**
   * Merges {@code model} (whose output {@code logits} is float [N, C], with {@code numClasses}
   * classes) with {@code g}, a gradient of its head compiled from the model's tensor
   * {@code g.activationInput()}, whose other inputs are the model's own tensors and the seed.
   *
   * @throws SscamException when the model cannot be brought to the gradient graph's opset, or its
   *     names cannot be kept apart from the gradient graph's
   */
  public static Merged merge(ModelProto model, String logits, int numClasses, GradientGraph g) {
    GraphProto mg = model.getGraph();
    GraphProto gg = g.model().getGraph();
    int from = HeadGradient.defaultOpset(model);
    int to = HeadGradient.defaultOpset(g.model());
    if (from > to) {
      throw new SscamException("the gradient graph's opset " + to + " is older than the model's " + from);
    }
    Set<String> modelNames = HeadGradient.allNames(mg);
    String prefix = prefixNotIn(modelNames);

    // The model's nodes, in the gradient graph's opset; the constants an upgrade needs become
    // initializers named apart from both graphs.
    OnnxGraphBuilder sink = new OnnxGraphBuilder("upgrade_constants").opset(to);
    sink.reserveNames(modelNames);
    sink.reserveNames(HeadGradient.allNames(gg));
    List<NodeProto> forward = new ArrayList<>();
    if (from == to) {
      forward.addAll(mg.getNodeList());
    } else {
      Set<String> read = new HashSet<>();
      for (NodeProto n : mg.getNodeList()) {
        if (hasSubgraph(n)) {
          throw new SscamException("node '" + NodeAttributes.label(n) + "' holds a subgraph, which is not upgraded");
        }
        read.addAll(n.getInputList());
      }
      mg.getOutputList().forEach(o -> read.add(o.getName()));
      OpsetUpgrade upgrade = new OpsetUpgrade(from, to, new GraphEmitter(sink), read);
      for (NodeProto n : mg.getNodeList()) {
        forward.addAll(upgrade.upgrade(n));
      }
    }
    GraphProto constants = sink.build().getGraph();

    // The gradient graph: its own tensors renamed apart; its inputs are the model's tensors (kept),
    // except the seed, which is computed here. Initializers equal to the model's are shared.
    Map<String, TensorProto> modelInitializers = new HashMap<>();
    mg.getInitializerList().forEach(t -> modelInitializers.put(t.getName(), t));
    Map<String, String> rename = new HashMap<>();
    List<TensorProto> initializers = new ArrayList<>(constants.getInitializerList());
    for (TensorProto t : gg.getInitializerList()) {
      TensorProto same = modelInitializers.get(t.getName());
      if (same != null && same.toByteString().equals(t.toByteString())) {
        continue;
      }
      rename.put(t.getName(), prefix + t.getName());
      initializers.add(t.toBuilder().setName(prefix + t.getName()).build());
    }
    for (NodeProto n : gg.getNodeList()) {
      for (String o : n.getOutputList()) {
        if (!o.isEmpty()) {
          rename.put(o, prefix + o);
        }
      }
    }
    String seed = prefix + g.seedInput();
    rename.put(g.seedInput(), seed);
    for (ValueInfoProto in : gg.getInputList()) {
      if (!in.getName().equals(g.seedInput()) && !modelNames.contains(in.getName())) {
        throw new SscamException("the gradient graph reads '" + in.getName() + "', which the model does not have");
      }
    }

    String givenSeed = prefix + "given_seed";
    String topOne = prefix + "top_one";
    String firstTopOne = prefix + "first_top_one";
    String firstHot = prefix + "first_top_one_hot";
    String firstWeighted = prefix + "first_top_one_seed";
    String partial = prefix + "partial_seed";
    String zero = prefix + "zero";
    String one = prefix + "one";
    String seededTopOne = prefix + "top_one_class";
    String oneHot = prefix + "top_one_hot";
    String weighted = prefix + "top_one_seed";
    String depth = prefix + "classes";
    String offOn = prefix + "off_on";
    initializers.add(OnnxGraphBuilder.int64Tensor(depth, new long[] {numClasses}));
    initializers.add(OnnxGraphBuilder.floatTensor(offOn, new float[] {0f, 1f}, 2));
    initializers.add(OnnxGraphBuilder.int64Tensor(zero, new long[] {0}, 1));
    initializers.add(OnnxGraphBuilder.int64Tensor(one, new long[] {1}, 1));

    GraphProto.Builder out = mg.toBuilder().clearNode().addAllNode(forward).addAllInitializer(initializers);
    out.addNode(NodeProto.newBuilder().setName(prefix + "argmax").setOpType("ArgMax").addInput(logits)
        .addOutput(seededTopOne).addAttribute(intAttribute("axis", 1)).addAttribute(intAttribute("keepdims", 0)));
    out.addNode(NodeProto.newBuilder().setName(prefix + "onehot").setOpType("OneHot").addInput(seededTopOne)
        .addInput(depth).addInput(offOn).addOutput(oneHot).addAttribute(intAttribute("axis", -1)));
    out.addNode(NodeProto.newBuilder().setName(prefix + "weigh").setOpType("Mul").addInput(oneHot).addInput(topOne)
        .addOutput(weighted));
    out.addNode(NodeProto.newBuilder().setName(prefix + "first").setOpType("Slice").addInput(oneHot).addInput(zero)
        .addInput(one).addInput(zero).addOutput(firstHot));
    out.addNode(NodeProto.newBuilder().setName(prefix + "weigh_first").setOpType("Mul").addInput(firstHot)
        .addInput(firstTopOne).addOutput(firstWeighted));
    out.addNode(NodeProto.newBuilder().setName(prefix + "partial").setOpType("Add").addInput(givenSeed)
        .addInput(weighted).addOutput(partial));
    out.addNode(NodeProto.newBuilder().setName(prefix + "seed").setOpType("Add").addInput(partial)
        .addInput(firstWeighted).addOutput(seed));
    // A node of the gradient graph that recomputes a node of the model (same op, attributes and
    // inputs) reads the model's output instead: the head's forward in the gradient graph is then only
    // what the pruned head computes differently.
    Map<List<Object>, List<String>> modelNodes = new HashMap<>();
    for (NodeProto n : forward) {
      modelNodes.putIfAbsent(nodeKey(n, n.getInputList()), n.getOutputList());
    }
    Map<String, String> alias = new HashMap<>();
    int k = 0;
    for (NodeProto n : gg.getNodeList()) {
      List<String> inputs = new ArrayList<>();
      boolean fromModel = true;
      for (String i : n.getInputList()) {
        String a = alias.get(i);
        fromModel &= a != null || !rename.containsKey(i);
        inputs.add(a != null ? a : rename.getOrDefault(i, i));
      }
      List<String> same = fromModel ? modelNodes.get(nodeKey(n, inputs)) : null;
      if (same != null && same.size() == n.getOutputCount() && !same.contains("")) {
        for (int o = 0; o < same.size(); o++) {
          if (!n.getOutput(o).isEmpty()) {
            alias.put(n.getOutput(o), same.get(o));
          }
        }
        continue;
      }
      NodeProto.Builder b = n.toBuilder().clearInput().clearOutput().setName(prefix + (k++) + "/" + n.getName());
      b.addAllInput(inputs);
      n.getOutputList().forEach(o -> b.addOutput(o.isEmpty() ? o : rename.get(o)));
      out.addNode(b);
    }
    out.addInput(OnnxGraphBuilder.valueInfo(givenSeed, TensorProto.DataType.FLOAT_VALUE, new long[] {-1, numClasses}));
    out.addInput(OnnxGraphBuilder.valueInfo(topOne, TensorProto.DataType.FLOAT_VALUE, new long[] {-1, 1}));
    out.addInput(OnnxGraphBuilder.valueInfo(firstTopOne, TensorProto.DataType.FLOAT_VALUE, new long[] {-1, 1}));
    Set<String> outputs = new HashSet<>();
    mg.getOutputList().forEach(o -> outputs.add(o.getName()));
    if (!outputs.contains(g.activationInput())) {
      out.addOutput(ValueInfoProto.newBuilder().setName(g.activationInput()));
    }
    out.addOutput(ValueInfoProto.newBuilder().setName(seededTopOne));
    String gradient = alias.getOrDefault(g.gradientOutput(), rename.get(g.gradientOutput()));
    out.addOutput(ValueInfoProto.newBuilder().setName(gradient));

    ModelProto.Builder merged = model.toBuilder().setGraph(out).clearOpsetImport()
        .setIrVersion(Math.max(model.getIrVersion(), OnnxGraphBuilder.irVersionFor(to)));
    merged.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(to));
    for (OperatorSetIdProto id : model.getOpsetImportList()) {
      if (!(id.getDomain().isEmpty() || id.getDomain().equals("ai.onnx"))) {
        merged.addOpsetImport(id);
      }
    }
    // The gradient graph's recomputed logits (its output, nobody's input here) would still run.
    ModelProto pruned = HeadGradient.withoutUnusedInitializers(HeadGradient.withoutDeadNodes(merged.build()));
    return new Merged(pruned, givenSeed, topOne, firstTopOne, seededTopOne, gradient);
  }

  /** What makes two nodes compute the same: domain, op, (resolved) inputs and attributes, compared whole. */
  private static List<Object> nodeKey(NodeProto n, List<String> inputs) {
    List<Object> key = new ArrayList<>();
    key.add(n.getDomain());
    key.add(n.getOpType());
    key.add(List.copyOf(inputs));
    for (AttributeProto a : n.getAttributeList()) {
      key.add(a.toByteString());
    }
    return key;
  }

  private static AttributeProto intAttribute(String name, long value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
  }

  private static boolean hasSubgraph(NodeProto n) {
    return n.getAttributeList().stream().anyMatch(a -> a.hasG() || a.getGraphsCount() > 0);
  }

  /** "sscam_g/", or with a number added, so that no name of the model starts with it. */
  private static String prefixNotIn(Set<String> names) {
    for (int i = 0; ; i++) {
      String p = i == 0 ? "sscam_g/" : "sscam_g" + i + "/";
      if (names.stream().noneMatch(s -> s.startsWith(p))) {
        return p;
      }
    }
  }
}
