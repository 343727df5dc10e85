package dev.sscam.model;

import ai.onnx.proto.OnnxMl.NodeProto;
import dev.sscam.onnx.gradient.NodeAttributes;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rule that picks a model's default target layer when its card names none. It is never a 1×1
 * map or a layer of the classifier:
 *
 * <ol>
 *   <li><b>A classifier that reads prefix tokens</b> (ViT's class token, DeiT's class and
 *       distillation tokens: a Gather or Slice of the first rows of a token sequence): the first
 *       normalisation of the last attention block ({@code ln_1} / {@code norm1}). After the last
 *       block's attention the patch tokens no longer reach the class token, so their gradient is zero
 *       there; this is the last layer where they still count (pytorch-grad-cam's advice too).
 *   <li><b>Otherwise</b> (CNNs, ConvNeXt, Swin, a ViT that pools its tokens): the last layer with more
 *       than 1×1 positions before the classifier's pooling, stepping back over pure layout changes
 *       (a Transpose of another layer), so that Swin's is its final {@code norm}, not the permute after it.
 * </ol>
 */
final class DefaultTargetLayer {
  private final GraphIndex graph;
  private final Map<String, TargetLayer> byTensor = new HashMap<>();
  private final List<TargetLayer> layers;
  private boolean decided;
  private boolean byAttention;
  private TargetLayer chosen;

  DefaultTargetLayer(GraphIndex graph, List<TargetLayer> layers) {
    this.graph = graph;
    this.layers = layers;
    for (TargetLayer l : layers) {
      byTensor.put(l.tensor(), l);
    }
  }

  /** The default layer, or null when no layer has more than one position. */
  TargetLayer choose() {
    decide();
    return chosen;
  }

  /** Which of the two rules {@link #choose()} applied, for {@code sscam layers}. */
  String ruleApplied() {
    decide();
    return byAttention
        ? "first normalisation of the last attention block: the classifier reads prefix tokens"
        : "last feature map before the classifier's pooling";
  }

  /** Applies the rule once; {@code sscam layers} asks for the layer and the rule's name. */
  private void decide() {
    if (decided) {
      return;
    }
    decided = true;
    if (readsPrefixTokens()) {
      chosen = lastAttentionNorm();
      byAttention = chosen != null;
    }
    for (int i = layers.size() - 1; i >= 0 && chosen == null; i--) {
      TargetLayer l = layers.get(i);
      if (l.height() * (long) l.width() > 1) {
        chosen = beforeLayoutChange(l);
      }
    }
  }

  /** Whether a Gather or Slice takes only prefix rows of a token-sequence layer. */
  private boolean readsPrefixTokens() {
    for (TargetLayer l : layers) {
      if (!(l.reading() instanceof LayerReading.Tokens t) || t.prefix() == 0) {
        continue;
      }
      for (int i : graph.consumersOf(l.tensor())) {
        NodeProto n = graph.node(i);
        if (n.getOpType().equals("Gather") && gathersPrefix(n, t.prefix())) {
          return true;
        }
        if (n.getOpType().equals("Slice") && slicesPrefix(n, t.prefix())) {
          return true;
        }
      }
    }
    return false;
  }

  private boolean gathersPrefix(NodeProto n, int prefix) {
    long axis = NodeAttributes.getInt(n, "axis", 0);
    long[] idx = n.getInputCount() > 1 ? graph.ints(n.getInput(1)) : null;
    if ((axis != 1 && axis != -2) || idx == null || idx.length == 0) {
      return false;
    }
    for (long v : idx) {
      if (v < 0 || v >= prefix) {
        return false;
      }
    }
    return true;
  }

  private boolean slicesPrefix(NodeProto n, int prefix) {
    long[] starts;
    long[] ends;
    long[] axes;
    if (n.getInputCount() >= 3) {
      starts = graph.ints(n.getInput(1));
      ends = graph.ints(n.getInput(2));
      axes = n.getInputCount() > 3 && !n.getInput(3).isEmpty() ? graph.ints(n.getInput(3)) : null;
    } else {
      starts = NodeAttributes.getInts(n, "starts");
      ends = NodeAttributes.getInts(n, "ends");
      axes = NodeAttributes.getInts(n, "axes");
    }
    if (starts == null || ends == null) {
      return false;
    }
    for (int k = 0; k < starts.length; k++) {
      long axis = axes == null ? k : axes[k];
      if ((axis == 1 || axis == -2) && starts[k] >= 0 && ends[k] > starts[k] && ends[k] <= prefix) {
        return true;
      }
    }
    return false;
  }

  /**
   * The first normalisation output reached walking back from the last attention's Softmax (a Softmax
   * whose result a MatMul reads), or the first layer reached when no normalisation is.
   */
  private TargetLayer lastAttentionNorm() {
    int softmax = -1;
    for (int i = graph.nodes().size() - 1; i >= 0 && softmax < 0; i--) {
      NodeProto n = graph.node(i);
      if (n.getOpType().equals("Softmax") && feedsMatMul(n.getOutput(0), 3)) {
        softmax = i;
      }
    }
    if (softmax < 0) {
      return null;
    }
    ArrayDeque<String> queue = new ArrayDeque<>(graph.node(softmax).getInputList());
    Set<String> seen = new HashSet<>(queue);
    TargetLayer first = null;
    while (!queue.isEmpty() && seen.size() < 2000) {
      String t = queue.poll();
      TargetLayer l = byTensor.get(t);
      int p = graph.producerOf(t);
      if (l != null && l.height() * (long) l.width() > 1) {
        if (p >= 0 && isNormalisation(p, 4)) {
          return l;
        }
        if (first == null) {
          first = l;
        }
      }
      if (p >= 0) {
        for (String in : graph.node(p).getInputList()) {
          if (!in.isEmpty() && seen.add(in)) {
            queue.add(in);
          }
        }
      }
    }
    return first;
  }

  private boolean feedsMatMul(String tensor, int hops) {
    for (int i : graph.consumersOf(tensor)) {
      NodeProto n = graph.node(i);
      if (n.getOpType().equals("MatMul") || n.getOpType().equals("Einsum")) {
        return true;
      }
      if (hops > 1 && n.getOutputCount() > 0 && feedsMatMul(n.getOutput(0), hops - 1)) {
        return true;
      }
    }
    return false;
  }

  /**
   * LayerNormalization, or its decomposed form's last Add/Mul: within a few steps back, a Div by a
   * Sqrt ({@code (x − mean) / sqrt(var + ε)}), as the TorchScript exporter writes LayerNorm before opset 17.
   */
  private boolean isNormalisation(int node, int depth) {
    NodeProto n = graph.node(node);
    String op = n.getOpType();
    if (op.equals("LayerNormalization") || op.equals("SimplifiedLayerNormalization")) {
      return true;
    }
    if (depth == 0 || !(op.equals("Add") || op.equals("Mul") || op.equals("Div"))) {
      return false;
    }
    if (op.equals("Div") && n.getInputCount() == 2) {
      int d = graph.producerOf(n.getInput(1));
      if (d >= 0 && graph.node(d).getOpType().equals("Sqrt")) {
        return true;
      }
    }
    for (String in : n.getInputList()) {
      int p = graph.producerOf(in);
      if (p >= 0 && isNormalisation(p, depth - 1)) {
        return true;
      }
    }
    return false;
  }

  /** {@code l}, or the layer it is a pure Transpose of (same K × h × w), repeatedly. */
  private TargetLayer beforeLayoutChange(TargetLayer l) {
    while (true) {
      int p = graph.producerOf(l.tensor());
      if (p < 0 || !graph.node(p).getOpType().equals("Transpose")) {
        return l;
      }
      TargetLayer src = byTensor.get(graph.node(p).getInput(0));
      if (src == null || src.channels() != l.channels() || src.height() != l.height() || src.width() != l.width()) {
        return l;
      }
      l = src;
    }
  }
}
