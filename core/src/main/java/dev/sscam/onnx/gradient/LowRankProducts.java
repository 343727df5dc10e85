package dev.sscam.onnx.gradient;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.sscam.onnx.OnnxGraphBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reassociates a projection of per-head low-rank products, {@code Y = X·W} with
 * {@code X = Reshape(Transpose(U·V))}, as {@code Σ_h U_h·(V_h·W_h)}, when that is cheaper.
 *
 * <p>The pattern: {@code O = U·V} batched over {@code B = N·H} (U: {@code [B, m, r]}, V:
 * {@code [B, r, n]}), transposed to {@code [t, B, d]} ({@code perm = [1, 0, 2]} or {@code [2, 0, 1]};
 * t and d are m and n in either order), reshaped to {@code [t, N, H·d]} (heads merged into the last
 * axis, as multi-head attention merges them) and multiplied by a matrix {@code W} of shape
 * {@code [H·d, C]}. With {@code F_b} the factor that carries d (as {@code [r, d]}) and {@code G_b}
 * the one that carries t (as {@code [t, r]}), {@code b = n·H + h}:
 * <pre>  Y[t, n, :] = Σ_h G_b[t, :] · (F_b · W[h·d : (h+1)·d, :])</pre>
 * the same sums in another order. Costs in multiply-adds: {@code B·t·r·d + t·N·H·d·C} before,
 * {@code B·r·d·C + N·t·H·r·C} after.
 *
 * <p>Why: on a class-token head the attention backward's {@code dK} and {@code dV} are exactly this,
 * with {@code r = 1} (the class token's one query row): an outer product per head over all tokens,
 * then multiplied by the key and value rows of the fused QKV weight. On the project's ViT the two
 * products of {@code 197 × 96 × 96} became {@code 197 × 3 × 96}: about 1% of a plain forward pass.
 *
 * <p>It applies only where every shape is known ({@code shapes}, the compiler's record) and each
 * intermediate tensor has no other reader, and only when the new order costs at most half the old.
 */
final class LowRankProducts {
  private LowRankProducts() {}

  /**
   * The model with each such product rewritten (unchanged when there is none).
   *
   * @param shapes the static shape of a tensor of the graph, or null when unknown
   */
  static ModelProto rewrite(ModelProto model, Function<String, long[]> shapes) {
    GraphProto graph = model.getGraph();
    GraphIndex index = GraphIndex.of(graph);
    OnnxGraphBuilder names = new OnnxGraphBuilder("names").reserveNames(HeadGradient.allNames(graph));
    Map<NodeProto, List<NodeProto>> replaced = new HashMap<>();
    List<NodeProto> removed = new ArrayList<>();
    List<TensorProto> added = new ArrayList<>();
    for (NodeProto n : graph.getNodeList()) {
      Match m = match(n, index, shapes);
      if (m == null) {
        continue;
      }
      String stem = n.getOutput(0) + "_lowrank_";
      List<NodeProto> nodes = new ArrayList<>();
      // F: [B, r, d] (transposed from U: [B, d, r] when d is U's row axis); G: [B, t, r]
      String f = m.dIsLast ? m.v : transposed(m.u, new long[] {0, 2, 1}, stem + "f", names, nodes);
      String gT = m.dIsLast ? m.u : transposed(m.v, new long[] {0, 2, 1}, stem + "g", names, nodes);
      String f4 = reshaped(f, new long[] {m.n, m.h, m.r, m.d}, stem + "f4", names, nodes, added);
      String w3 = reshaped(n.getInput(1), new long[] {m.h, m.d, m.c}, stem + "w3", names, nodes, added);
      String r4 = op("MatMul", stem + "fw", names, nodes, f4, w3); // [N, H, r, C]
      String r3 = reshaped(r4, new long[] {m.n, m.h * m.r, m.c}, stem + "fw3", names, nodes, added);
      String g4 = reshaped(gT, new long[] {m.n, m.h, m.t, m.r}, stem + "g4", names, nodes, added);
      String g4t = transposed(g4, new long[] {0, 2, 1, 3}, stem + "gt", names, nodes); // [N, t, H, r]
      String g3 = reshaped(g4t, new long[] {m.n, m.t, m.h * m.r}, stem + "g3", names, nodes, added);
      String y = op("MatMul", stem + "y", names, nodes, g3, r3); // [N, t, C]
      String out = n.getOutput(0);
      if (m.n == 1) {
        String shape = names.freshName(stem + "out_shape");
        added.add(OnnxGraphBuilder.int64Tensor(shape, new long[] {m.t, 1, m.c}, 3));
        nodes.add(NodeProto.newBuilder().setOpType("Reshape").addInput(y).addInput(shape).addOutput(out)
            .setName(names.freshName(stem + "out")).build());
      } else {
        nodes.add(NodeProto.newBuilder().setOpType("Transpose").addInput(y).addOutput(out)
            .addAttribute(ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName("perm")
                .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.INTS).addAllInts(List.of(1L, 0L, 2L)))
            .setName(names.freshName(stem + "out")).build());
      }
      replaced.put(n, nodes);
      removed.addAll(List.of(m.reshape, m.transpose, m.product));
    }
    return GraphIndex.rebuilt(model, replaced, removed, added);
  }

  /** A recognised product and its dimensions. */
  private record Match(NodeProto product, NodeProto transpose, NodeProto reshape, String u, String v,
      boolean dIsLast, long n, long h, long t, long d, long r, long c) {}

  private static Match match(NodeProto n, GraphIndex index, Function<String, long[]> shapes) {
    Map<String, TensorProto> initializers = index.initializers();
    if (!n.getOpType().equals("MatMul") || n.getInputCount() != 2) {
      return null;
    }
    long[] w = constantMatrixShape(n.getInput(1), index, shapes);
    NodeProto reshape = soleProducer(n.getInput(0), "Reshape", index);
    if (w == null || reshape == null || reshape.getInputCount() != 2) {
      return null;
    }
    TensorProto target = initializers.get(reshape.getInput(1));
    long[] s = target == null ? null : TensorValues.int64s(target);
    NodeProto transpose = soleProducer(reshape.getInput(0), "Transpose", index);
    if (s == null || s.length != 3 || Arrays.stream(s).anyMatch(x -> x <= 0) || transpose == null) {
      return null;
    }
    long[] perm = NodeAttributes.getInts(transpose, "perm");
    NodeProto product = soleProducer(transpose.getInput(0), "MatMul", index);
    if (perm == null || perm.length != 3 || perm[1] != 0 || product == null) {
      return null;
    }
    boolean dIsLast = perm[0] == 1 && perm[2] == 2;
    if (!dIsLast && !(perm[0] == 2 && perm[2] == 1)) {
      return null;
    }
    long[] us = shapes.apply(product.getInput(0));
    long[] vs = shapes.apply(product.getInput(1));
    if (us == null || vs == null || us.length != 3 || vs.length != 3 || us[0] != vs[0] || us[2] != vs[1]) {
      return null;
    }
    long b = us[0];
    long r = us[2];
    long t = dIsLast ? us[1] : vs[2];
    long d = dIsLast ? vs[2] : us[1];
    // [t, B, d] → [t, N, H·d]: B = N·H, heads merged into the last axis
    if (s[0] != t || s[2] % d != 0 || s[1] * (s[2] / d) != b || w[0] != s[2]) {
      return null;
    }
    long nBatch = s[1];
    long h = s[2] / d;
    long c = w[1];
    double before = (double) b * t * r * d + (double) t * nBatch * h * d * c;
    double after = (double) b * r * d * c + (double) nBatch * t * h * r * c;
    if (after > before / 2) {
      return null;
    }
    return new Match(n, transpose, reshape, product.getInput(0), product.getInput(1), dIsLast, nBatch, h, t, d, r, c);
  }

  /** The node of type {@code op} that computes {@code tensor}, when {@code tensor} has no other reader. */
  private static NodeProto soleProducer(String tensor, String op, GraphIndex index) {
    NodeProto p = index.producer().get(tensor);
    return p != null && p.getOpType().equals(op) && index.readersOf(tensor) == 1 ? p : null;
  }

  /**
   * The shape [K, C] of a constant matrix: a tensor of recorded 2-D shape, what {@link
   * PaddedSumProducts#matrixShape} reads (an initializer or a 2-D transpose of one), or a row slice
   * of those (constant starts and ends on axis 0, as {@link PaddedSumProducts} cuts them).
   */
  private static long[] constantMatrixShape(String name, GraphIndex index, Function<String, long[]> shapes) {
    long[] known = shapes.apply(name);
    if (known != null) {
      return known.length == 2 ? known : null;
    }
    long[] whole = PaddedSumProducts.matrixShape(name, index.producer(), index.initializers());
    NodeProto n = index.producer().get(name);
    if (whole != null || n == null || !n.getOpType().equals("Slice") || n.getInputCount() != 4) {
      return whole;
    }
    Map<String, TensorProto> inits = index.initializers();
    long[] sliced = constantMatrixShape(n.getInput(0), index, shapes);
    long[] starts = int64s(n.getInput(1), inits);
    long[] ends = int64s(n.getInput(2), inits);
    long[] axes = int64s(n.getInput(3), inits);
    if (sliced == null || starts == null || ends == null || axes == null || starts.length != 1
        || ends.length != 1 || axes.length != 1 || axes[0] != 0 || starts[0] < 0
        || ends[0] > sliced[0] || ends[0] <= starts[0]) {
      return null;
    }
    return new long[] {ends[0] - starts[0], sliced[1]};
  }

  private static long[] int64s(String name, Map<String, TensorProto> inits) {
    TensorProto t = inits.get(name);
    return t == null ? null : TensorValues.int64s(t);
  }

  private static String transposed(String x, long[] perm, String hint, OnnxGraphBuilder names,
      List<NodeProto> nodes) {
    String out = names.freshName(hint);
    nodes.add(NodeProto.newBuilder().setOpType("Transpose").addInput(x).addOutput(out).setName(out)
        .addAttribute(ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName("perm")
            .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.INTS)
            .addAllInts(Arrays.stream(perm).boxed().toList()))
        .build());
    return out;
  }

  private static String reshaped(String x, long[] shape, String hint, OnnxGraphBuilder names,
      List<NodeProto> nodes, List<TensorProto> added) {
    String shapeName = names.freshName(hint + "_shape");
    added.add(OnnxGraphBuilder.int64Tensor(shapeName, shape, shape.length));
    String out = names.freshName(hint);
    nodes.add(NodeProto.newBuilder().setOpType("Reshape").addInput(x).addInput(shapeName).addOutput(out)
        .setName(out).build());
    return out;
  }

  private static String op(String type, String hint, OnnxGraphBuilder names, List<NodeProto> nodes,
      String... inputs) {
    String out = names.freshName(hint);
    NodeProto.Builder b = NodeProto.newBuilder().setOpType(type).addOutput(out).setName(out);
    for (String i : inputs) {
      b.addInput(i);
    }
    nodes.add(b.build());
    return out;
  }
}
