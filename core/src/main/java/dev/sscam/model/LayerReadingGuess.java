package dev.sscam.model;

import ai.onnx.proto.OnnxMl.NodeProto;
import dev.sscam.onnx.gradient.NodeAttributes;
import dev.sscam.SscamException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Decides how a probed tensor is read as {@code K × h × w} ({@link LayerReading}), from its shape,
 * the input's size and the graph around it; or applies the user's override ({@link LayerChoice}).
 *
 * <p>The rules:
 *
 * <ul>
 *   <li>A grid {@code h × w} fits an {@code H × W} input when {@code |h·W − w·H| ≤ max(H, W)}: the
 *       cells keep the input's aspect up to one cell of rounding.
 *   <li>4-D {@code [1, a, b, c]}: NCHW ({@code K = a}) unless only {@code (a, b)} fits the input
 *       (Swin's {@code [1, 7, 7, 768]}), or both fit and the graph says channels-last (a Transpose
 *       {@code [0,2,3,1]} made it, a Transpose {@code [0,3,1,2]} reads it, or a LayerNormalization
 *       over its last axis made it). Anything else stays NCHW, as before.
 *   <li>3-D {@code [1, T, C]} with {@code C > 1}: a token sequence {@code T = P + h·w} when {@code h × w}
 *       is the grid of a 4-D layer of the graph (the patch embedding's) or that grid halved by patch
 *       merging, with the fewest prefix tokens {@code P ≤ 16}; in a graph without 4-D layers, the
 *       fewest {@code P ≤ 8} for which {@code T − P} factors into a grid of exactly the input's aspect.
 *       Otherwise it is not a layer unless overridden.
 * </ul>
 */
final class LayerReadingGuess {
  static final int MAX_PREFIX = 16;
  static final int MAX_PREFIX_WITHOUT_GRID = 8;

  private final GraphIndex graph;
  private final int inputHeight;
  private final int inputWidth;

  LayerReadingGuess(GraphIndex graph, int inputHeight, int inputWidth) {
    this.graph = graph;
    this.inputHeight = inputHeight;
    this.inputWidth = inputWidth;
  }

  /** Whether an {@code h × w} grid keeps the input's aspect (to one cell). */
  boolean fits(long h, long w) {
    return h >= 1 && w >= 1 && h <= inputHeight && w <= inputWidth
        && Math.abs(h * inputWidth - w * inputHeight) <= Math.max(inputHeight, inputWidth);
  }

  /** The reading of a 4-D tensor {@code [1, a, b, c]}. */
  LayerReading rank4(String tensor, long[] s) {
    int a = (int) s[1];
    int b = (int) s[2];
    int c = (int) s[3];
    boolean first = fits(b, c);
    boolean last = fits(a, b);
    if (last && (!first || channelsLastInGraph(tensor))) {
      return new LayerReading.ChannelsLast(a, b, c);
    }
    return new LayerReading.ChannelsFirst(a, b, c);
  }

  /**
   * The reading of a 3-D tensor {@code [1, T, C]} as tokens, or null when it is not one.
   *
   * @param grids the grids {@code [h, w]} of the graph's 4-D layers
   */
  LayerReading.Tokens rank3(long[] s, Collection<int[]> grids) {
    int t = (int) s[1];
    int c = (int) s[2];
    if (c < 2 || t < 2) {
      return null;
    }
    if (!grids.isEmpty()) {
      LayerReading.Tokens best = null;
      for (int[] g : withMerges(grids)) {
        int p = t - g[0] * g[1];
        if (g[0] * g[1] > 1 && p >= 0 && p <= MAX_PREFIX && 2 * p < g[0] * g[1] && (best == null || p < best.prefix())) {
          best = new LayerReading.Tokens(p, g[0], g[1], c);
        }
      }
      return best;
    }
    for (int p = 0; p <= MAX_PREFIX_WITHOUT_GRID && p < t; p++) {
      int[] g = exactGrid(t - p);
      if (g != null) {
        return new LayerReading.Tokens(p, g[0], g[1], c);
      }
    }
    return null;
  }

  /**
   * The reading of {@code tensor} of shape {@code s} as {@code choice} overrides it; an override
   * that does not fit the shape is an error saying why.
   */
  LayerReading override(String name, long[] s, LayerChoice choice, Collection<int[]> grids) {
    String shape = Arrays.toString(Arrays.copyOfRange(s, 1, s.length));
    if (choice.layout() != null) {
      if (s.length != 4) {
        throw new SscamException("layer " + name + " is " + shape + ", not 4-D: --layout reads [h,w,C] or [C,h,w];"
            + " for a token sequence give --tokens and/or --grid");
      }
      return choice.layout().equals("nhwc")
          ? new LayerReading.ChannelsLast((int) s[1], (int) s[2], (int) s[3])
          : new LayerReading.ChannelsFirst((int) s[1], (int) s[2], (int) s[3]);
    }
    if (s.length != 3) {
      throw new SscamException("layer " + name + " is " + shape + ", not a token sequence [T, C]:"
          + " --tokens and --grid read [T, C]; for a 4-D layer give --layout");
    }
    int t = (int) s[1];
    int c = (int) s[2];
    if (choice.gridHeight() > 0) {
      int p = t - choice.gridHeight() * choice.gridWidth();
      if (p < 0 || (choice.tokens() != null && p != choice.tokens())) {
        throw new SscamException("layer " + name + " has " + t + " tokens; a " + choice.gridHeight() + "x"
            + choice.gridWidth() + " grid" + (choice.tokens() != null ? " after " + choice.tokens() + " prefix tokens" : "")
            + " needs " + (choice.gridHeight() * choice.gridWidth() + (choice.tokens() == null ? 0 : choice.tokens())));
      }
      if (choice.tokens() == null && p > MAX_PREFIX) {
        throw new SscamException("layer " + name + " has " + t + " tokens: a " + choice.gridHeight() + "x"
            + choice.gridWidth() + " grid leaves " + p + " prefix tokens; give --tokens " + p + " if that is meant");
      }
      return new LayerReading.Tokens(p, choice.gridHeight(), choice.gridWidth(), c);
    }
    int p = choice.tokens();
    if (p >= t) {
      throw new SscamException("layer " + name + " has " + t + " tokens: " + p + " prefix tokens leave no patch");
    }
    for (int[] g : withMerges(grids)) {
      if (g[0] * g[1] == t - p) {
        return new LayerReading.Tokens(p, g[0], g[1], c);
      }
    }
    int[] g = exactGrid(t - p);
    if (g == null) {
      throw new SscamException("layer " + name + ": " + (t - p) + " patch tokens form no grid of the input's aspect"
          + " (" + inputHeight + "x" + inputWidth + "); give it with --grid HxW");
    }
    return new LayerReading.Tokens(p, g[0], g[1], c);
  }

  /** The grid of exactly the input's aspect holding {@code cells} cells, or null. */
  private int[] exactGrid(int cells) {
    for (int h = 1; h <= cells; h++) {
      if (cells % h == 0) {
        int w = cells / h;
        if ((long) h * inputWidth == (long) w * inputHeight && cells > 1) {
          return new int[] {h, w};
        }
      }
    }
    return null;
  }

  /** The grids and each halved (rounding up) down to 1×1: Swin's patch merging halves the grid per stage. */
  private static List<int[]> withMerges(Collection<int[]> grids) {
    java.util.Set<List<Integer>> seen = new java.util.LinkedHashSet<>();
    for (int[] g : grids) {
      int h = g[0];
      int w = g[1];
      while (true) {
        seen.add(List.of(h, w));
        if (h == 1 && w == 1) {
          break;
        }
        h = (h + 1) / 2;
        w = (w + 1) / 2;
      }
    }
    return seen.stream().sorted(Comparator.comparingInt((List<Integer> g) -> -g.get(0) * g.get(1)))
        .map(g -> new int[] {g.get(0), g.get(1)}).toList();
  }

  /** Whether the graph shows {@code tensor} to be channels-last. */
  private boolean channelsLastInGraph(String tensor) {
    int p = graph.producerOf(tensor);
    if (p >= 0) {
      NodeProto n = graph.node(p);
      if (n.getOpType().equals("Transpose") && Arrays.equals(NodeAttributes.getInts(n, "perm"), new long[] {0, 2, 3, 1})) {
        return true;
      }
      if (n.getOpType().equals("LayerNormalization")) {
        long axis = NodeAttributes.getInt(n, "axis", -1);
        return axis == -1 || axis == 3;
      }
    }
    for (int i : graph.consumersOf(tensor)) {
      NodeProto n = graph.node(i);
      if (n.getOpType().equals("Transpose") && Arrays.equals(NodeAttributes.getInts(n, "perm"), new long[] {0, 3, 1, 2})) {
        return true;
      }
    }
    return false;
  }
}
