package dev.sscam.model;

import ai.onnx.proto.OnnxMl.NodeProto;
import dev.sscam.SscamException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Every candidate target layer of a model, with human names, and the rules for choosing one.
 *
 * <p>A candidate is a float tensor with one image's worth of positions: a 4-D feature map (NCHW, or
 * NHWC as in Swin and ConvNeXt) or a 3-D token sequence {@code [1, P + h·w, C]} (ViT, DeiT), read
 * as {@code K × h × w} by {@link LayerReadingGuess}. 3-D tensors that cannot be read so are kept
 * aside: they answer by tensor or node name with an explicit reading ({@code NAME[tokens=P,grid=HxW]}).
 */
public final class LayerCatalog {
  private final List<TargetLayer> layers;
  private final List<TargetLayer> unread;
  private final String cardTarget;
  private final LayerReadingGuess guess;
  private final List<int[]> grids;
  private final DefaultTargetLayer rule;
  /**
   * Layers resolved so far, by spec, and the default: every map resolves its layer, and the rule's
   * walk over the graph cost about 0.5% of a ViT Grad-CAM's pass (30 µs of 5.7 ms). Failures are
   * not kept.
   */
  private final Map<String, TargetLayer> resolved = new java.util.concurrent.ConcurrentHashMap<>();

  private volatile TargetLayer defaultLayer;

  private LayerCatalog(List<TargetLayer> layers, List<TargetLayer> unread, String cardTarget, LayerReadingGuess guess,
      List<int[]> grids, DefaultTargetLayer rule) {
    this.layers = List.copyOf(layers);
    this.unread = List.copyOf(unread);
    this.cardTarget = cardTarget;
    this.guess = guess;
    this.grids = grids;
    this.rule = rule;
  }

  /**
   * Names and reads the probed tensors. {@code shapes} maps each 3-D or 4-D float tensor to its
   * shape for one image (batch dimension 1).
   */
  static LayerCatalog name(GraphIndex graph, Map<String, long[]> shapes, String cardTarget, int inputHeight,
      int inputWidth) {
    LayerReadingGuess guess = new LayerReadingGuess(graph, inputHeight, inputWidth);
    record Raw(String tensor, NodeProto node, List<String> scope, long[] shape, LayerReading reading) {}
    // 4-D maps first: their grids tell which token counts are patch grids.
    Map<String, LayerReading> rank4 = new HashMap<>();
    List<int[]> grids = new ArrayList<>();
    for (NodeProto n : graph.nodes()) {
      for (String out : n.getOutputList()) {
        long[] s = shapes.get(out);
        if (s != null && s.length == 4) {
          LayerReading r = guess.rank4(out, s);
          rank4.put(out, r);
          if (r.height() * (long) r.width() > 1 && grids.stream().noneMatch(g -> g[0] == r.height() && g[1] == r.width())) {
            grids.add(new int[] {r.height(), r.width()});
          }
        }
      }
    }
    List<Raw> raws = new ArrayList<>();
    List<TargetLayer> unread = new ArrayList<>();
    for (NodeProto n : graph.nodes()) {
      for (String out : n.getOutputList()) {
        long[] s = shapes.get(out);
        if (s == null) {
          continue;
        }
        LayerReading r = s.length == 4 ? rank4.get(out) : guess.rank3(s, grids);
        if (r != null) {
          raws.add(new Raw(out, n, ModuleScope.of(n), s, r));
        } else {
          String label = n.getName().isEmpty() ? out : n.getName().replaceFirst("^/", "");
          unread.add(new TargetLayer(label, List.of(), out, n.getName(), n.getOpType(), s, -1, s, null));
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
      out.add(TargetLayer.of(name, List.copyOf(aliases), r.tensor(), r.node().getName(), r.node().getOpType(), i,
          r.shape(), r.reading()));
    }
    return new LayerCatalog(out, unread, cardTarget, guess, grids, new DefaultTargetLayer(graph, out));
  }

  /** All candidates in topological order. */
  public List<TargetLayer> all() {
    return layers;
  }

  /**
   * Each candidate layer as a row of named values, ready for JSON ({@code sscam layers --json}, the
   * HTTP API): name, aliases, tensor, node, op, channels, height, width, reading, default.
   */
  public List<Map<String, Object>> describe() {
    TargetLayer def = defaultLayer();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (TargetLayer l : all()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("name", l.name());
      o.put("aliases", l.aliases());
      o.put("tensor", l.tensor());
      o.put("node", l.node());
      o.put("op", l.opType());
      o.put("channels", l.channels());
      o.put("height", l.height());
      o.put("width", l.width());
      o.put("reading", l.reading().label());
      o.put("default", l.tensor().equals(def.tensor()));
      rows.add(o);
    }
    return rows;
  }

  /**
   * The default target layer: the model card's {@code target_layer} when it names one; otherwise
   * {@link DefaultTargetLayer}'s rule: for a classifier that reads prefix tokens (ViT, DeiT), the
   * first normalisation of the last attention block; otherwise the last feature map with more than
   * 1×1 positions before the classifier's pooling (CNNs, ConvNeXt, Swin).
   */
  public TargetLayer defaultLayer() {
    TargetLayer known = defaultLayer;
    if (known != null) {
      return known;
    }
    TargetLayer l = cardTarget != null && !cardTarget.isBlank() ? resolve(LayerChoice.parse(cardTarget), true) : ruleLayer();
    defaultLayer = l;
    return l;
  }

  /** Why the default is what it is, in words: the card, or which rule applied. */
  public String defaultReason() {
    if (cardTarget != null && !cardTarget.isBlank()) {
      return "from the model card";
    }
    return rule.ruleApplied();
  }

  private TargetLayer ruleLayer() {
    TargetLayer l = rule.choose();
    if (l == null) {
      throw new SscamException("the model has no layer with more than 1x1 positions (a feature map or a token"
          + " sequence): no CAM target layer");
    }
    return l;
  }

  /**
   * The layer named by {@code spec}: a module path, alias, tensor name or node name, optionally with
   * a reading override ({@link LayerChoice}: {@code NAME[tokens=P,grid=HxW,layout=nhwc|nchw]}; {@code
   * [..]} alone overrides the default layer's). An unknown name is an error listing the closest
   * candidates.
   */
  public TargetLayer resolve(String spec) {
    // The mapping function never touches the map (a default it needs comes from defaultLayer()),
    // and a failure leaves nothing behind.
    return spec == null ? defaultLayer() : resolved.computeIfAbsent(spec, s -> resolve(LayerChoice.parse(s), false));
  }

  private TargetLayer resolve(LayerChoice choice, boolean fromCard) {
    TargetLayer base = choice.id() != null ? find(choice.id()) : fromCard ? ruleLayer() : defaultLayer();
    if (choice.overridesReading()) {
      return base.readAs(guess.override(base.name(), base.rawShape(), choice, grids));
    }
    if (base.reading() == null) {
      throw new SscamException("layer " + base.name() + " is " + Arrays.toString(Arrays.copyOfRange(base.rawShape(), 1,
          base.rawShape().length)) + ", which sscam cannot read as a grid by itself: give --tokens P and/or --grid HxW");
    }
    return base;
  }

  private TargetLayer find(String id) {
    for (TargetLayer l : layers) {
      if (l.answersTo(id)) {
        return l;
      }
    }
    for (TargetLayer l : unread) {
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
