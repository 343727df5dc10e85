package dev.sscam.model;

import ai.onnx.proto.OnnxMl.NodeProto;
import dev.sscam.SscamException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Every candidate target layer of a model (4-D float node outputs, in topological order), with
 * human names, and the rules for choosing one.
 */
public final class LayerCatalog {
  private final List<TargetLayer> layers;
  private final String cardTarget;

  LayerCatalog(List<TargetLayer> layers, String cardTarget) {
    this.layers = List.copyOf(layers);
    this.cardTarget = cardTarget;
  }

  /**
   * Names the probed tensors. {@code nodes} are the graph's nodes in order; {@code shapes} maps each
   * 4-D float tensor to its shape for one image.
   */
  static LayerCatalog name(List<NodeProto> nodes, Map<String, long[]> shapes, String cardTarget) {
    record Raw(String tensor, NodeProto node, List<String> scope, long[] shape) {}
    List<Raw> raws = new ArrayList<>();
    for (NodeProto n : nodes) {
      for (String out : n.getOutputList()) {
        long[] shape = shapes.get(out);
        if (shape != null) {
          raws.add(new Raw(out, n, ModuleScope.of(n), shape));
        }
      }
    }
    // A module's output is the last candidate produced anywhere inside its scope (children
    // included): torchcam's forward hook on `layer4.1` sees the block's final ReLU, not its Add.
    Map<String, Integer> moduleOutput = new LinkedHashMap<>();
    for (int i = 0; i < raws.size(); i++) {
      List<String> scope = raws.get(i).scope();
      for (int k = 1; k <= scope.size(); k++) {
        moduleOutput.put(String.join(".", scope.subList(0, k)), i);
      }
    }
    List<TargetLayer> out = new ArrayList<>();
    Map<String, Integer> used = new HashMap<>();
    for (int i = 0; i < raws.size(); i++) {
      Raw r = raws.get(i);
      String path = String.join(".", r.scope());
      String name;
      if (path.isEmpty()) {
        name = r.node().getName().isEmpty() ? r.tensor() : r.node().getName().replaceFirst("^/", "");
      } else if (moduleOutput.get(path) == i) {
        name = path;
      } else {
        name = path + ":" + r.node().getOpType();
      }
      int seen = used.merge(name, 1, Integer::sum);
      if (seen > 1) {
        name = name + "#" + seen;
      }
      List<String> aliases = new ArrayList<>();
      for (var e : moduleOutput.entrySet()) {
        if (e.getValue() == i && !e.getKey().equals(name)) {
          aliases.add(e.getKey());
        }
      }
      aliases.sort(Comparator.comparingInt(String::length));
      out.add(new TargetLayer(name, List.copyOf(aliases), r.tensor(), r.node().getName(),
          r.node().getOpType(), r.shape(), i));
    }
    return new LayerCatalog(out, cardTarget);
  }

  /** All candidates in topological order. */
  public List<TargetLayer> all() {
    return layers;
  }

  /**
   * The default target layer: the model card's {@code target_layer} when it names one; otherwise
   * torchcam's rule, the last 4-D output whose spatial size exceeds 1×1 (the last feature map before
   * global pooling).
   */
  public TargetLayer defaultLayer() {
    if (cardTarget != null && !cardTarget.isBlank()) {
      return resolve(cardTarget);
    }
    for (int i = layers.size() - 1; i >= 0; i--) {
      TargetLayer l = layers.get(i);
      if (l.height() * (long) l.width() > 1) {
        return l;
      }
    }
    throw new SscamException("the model has no 4-D layer with spatial size > 1: no CAM target layer");
  }

  /**
   * The layer named {@code id} (module path, alias, tensor name or node name). An unknown name is an
   * error listing the closest candidates.
   */
  public TargetLayer resolve(String id) {
    for (TargetLayer l : layers) {
      if (l.answersTo(id)) {
        return l;
      }
    }
    List<String> close = layers.stream()
        .flatMap(l -> java.util.stream.Stream.concat(java.util.stream.Stream.of(l.name()), l.aliases().stream()))
        .distinct()
        .sorted(Comparator.comparingInt((String n) -> editDistance(n, id)).thenComparing(n -> n))
        .limit(5)
        .collect(Collectors.toList());
    throw new SscamException("unknown layer '" + id + "'; closest candidates: " + String.join(", ", close)
        + " (see `sscam layers`)");
  }

  static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
