package dev.sscam.onnx.gradient;

import dev.sscam.onnx.OnnxGraphBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * Rewrites {@code MatMul(Sum(Pad(x_1), …, Pad(x_n)), B)}, with B a constant matrix, as {@code
 * Sum(Pad'(MatMul(x_1, B_1)), …)}: {@code B_i} the rows of B that {@code x_i}'s last axis meets, and
 * {@code Pad'} the padding of the other axes. Zero padding on the contracted axis only selects rows
 * of B, and padding on the others commutes with the product, so the result is the same tensor.
 *
 * <p>Why: the backward of a fused projection ({@code qkv = X·W}, then q, k and v sliced out, as
 * torchvision's multi-head attention does) receives dq, dk and dv as slices padded back to the full
 * width and summed; {@code dX = d(qkv)·Wᵀ} then multiplies mostly zeros. On a class-token head dq is
 * nonzero on one token, so its product shrinks to one row. On a ViT this was a fifth of the
 * backward's time.
 */
final class PaddedSumProducts {
  private PaddedSumProducts() {}

  /** The model with every such product rewritten (unchanged when there is none). */
  static ModelProto rewrite(ModelProto model) {
    GraphProto graph = model.getGraph();
    GraphIndex index = GraphIndex.of(graph);
    Map<String, TensorProto> initializers = index.initializers();
    Map<String, NodeProto> producer = index.producer();
    OnnxGraphBuilder names = new OnnxGraphBuilder("names").reserveNames(HeadGradient.allNames(graph));
    Set<NodeProto> removed = new HashSet<>();
    Map<NodeProto, List<NodeProto>> replaced = new HashMap<>();
    List<TensorProto> added = new ArrayList<>();
    for (NodeProto n : graph.getNodeList()) {
      if (!n.getOpType().equals("MatMul") || n.getInputCount() != 2) {
        continue;
      }
      long[] bShape = matrixShape(n.getInput(1), producer, initializers);
      NodeProto sum = producer.get(n.getInput(0));
      if (bShape == null || sum == null || !sum.getOpType().equals("Sum") || index.readersOf(n.getInput(0)) != 1) {
        continue;
      }
      List<Term> terms = new ArrayList<>();
      boolean anyPad = false;
      for (String t : sum.getInputList()) {
        NodeProto pad = producer.get(t);
        long[] pads = pad == null ? null : zeroPads(pad, initializers);
        if (pads != null && index.readersOf(t) == 1 && !removed.contains(pad)) {
          terms.add(new Term(pad.getInput(0), pads, pad));
          anyPad = true;
        } else {
          terms.add(new Term(t, null, null));
        }
      }
      if (!anyPad) {
        continue;
      }
      String stem = n.getOutput(0) + "_";
      List<NodeProto> nodes = new ArrayList<>();
      List<String> products = new ArrayList<>();
      for (Term term : terms) {
        String b = n.getInput(1);
        String x = term.x;
        if (term.pads != null) {
          int rank = term.pads.length / 2;
          long begin = term.pads[rank - 1];
          long end = term.pads[2 * rank - 1];
          if (begin != 0 || end != 0) {
            String starts = names.freshName(stem + "rows_start");
            String ends = names.freshName(stem + "rows_end");
            String axes = names.freshName(stem + "rows_axis");
            added.add(OnnxGraphBuilder.int64Tensor(starts, new long[] {begin}, 1));
            added.add(OnnxGraphBuilder.int64Tensor(ends, new long[] {bShape[0] - end}, 1));
            added.add(OnnxGraphBuilder.int64Tensor(axes, new long[] {0}, 1));
            String rows = names.freshName(stem + "rows");
            nodes.add(NodeProto.newBuilder().setOpType("Slice").addInput(b).addInput(starts).addInput(ends)
                .addInput(axes).addOutput(rows).setName(rows).build());
            b = rows;
          }
        }
        String product = names.freshName(stem + "product");
        nodes.add(NodeProto.newBuilder().setOpType("MatMul").addInput(x).addInput(b).addOutput(product)
            .setName(product).build());
        if (term.pads != null) {
          long[] others = term.pads.clone();
          int rank = others.length / 2;
          others[rank - 1] = 0;
          others[2 * rank - 1] = 0;
          if (java.util.Arrays.stream(others).anyMatch(p -> p != 0)) {
            String padsName = names.freshName(stem + "pads");
            added.add(OnnxGraphBuilder.int64Tensor(padsName, others, others.length));
            String padded = names.freshName(stem + "padded");
            nodes.add(NodeProto.newBuilder().setOpType("Pad").addInput(product).addInput(padsName)
                .addOutput(padded).setName(padded).build());
            product = padded;
          }
        }
        products.add(product);
      }
      NodeProto.Builder total = NodeProto.newBuilder().setOpType(products.size() == 1 ? "Identity" : "Sum")
          .addOutput(n.getOutput(0)).setName(names.freshName(stem + "sum"));
      products.forEach(total::addInput);
      nodes.add(total.build());
      replaced.put(n, nodes);
      removed.add(sum);
      for (Term term : terms) {
        if (term.pad != null) {
          removed.add(term.pad);
        }
      }
    }
    return GraphIndex.rebuilt(model, replaced, removed, added);
  }

  /** One summand: {@code x} padded by {@code pads} (null: not padded, {@code x} is the summand). */
  private record Term(String x, long[] pads, NodeProto pad) {}

  /** The shape [K, N] of a constant matrix: an initializer, or a 2-D transpose of one. */
  static long[] matrixShape(String b, Map<String, NodeProto> producer, Map<String, TensorProto> inits) {
    TensorProto t = inits.get(b);
    if (t != null) {
      return t.getDimsCount() == 2 ? new long[] {t.getDims(0), t.getDims(1)} : null;
    }
    NodeProto n = producer.get(b);
    if (n == null || !n.getOpType().equals("Transpose") || (t = inits.get(n.getInput(0))) == null
        || t.getDimsCount() != 2) {
      return null;
    }
    long[] perm = NodeAttributes.getInts(n, "perm");
    boolean swap = perm == null || perm.length == 0 || (perm.length == 2 && perm[0] == 1 && perm[1] == 0);
    if (!swap) {
      return perm.length == 2 && perm[0] == 0 ? new long[] {t.getDims(0), t.getDims(1)} : null;
    }
    return new long[] {t.getDims(1), t.getDims(0)};
  }

  /** The pads of a Pad node that pads with zeros by non-negative amounts on every axis, or null. */
  private static long[] zeroPads(NodeProto pad, Map<String, TensorProto> inits) {
    if (!pad.getOpType().equals("Pad") || pad.getInputCount() < 2
        || !NodeAttributes.getString(pad, "mode", "constant").equals("constant")
        || NodeAttributes.has(pad, "pads")) {
      return null;
    }
    if (pad.getInputCount() > 3 && !pad.getInput(3).isEmpty()) {
      return null; // axes given: pads are not one per axis
    }
    if (pad.getInputCount() > 2 && !pad.getInput(2).isEmpty()) {
      TensorProto v = inits.get(pad.getInput(2));
      if (v == null || !isZero(v)) {
        return null;
      }
    }
    TensorProto p = inits.get(pad.getInput(1));
    if (p == null) {
      return null;
    }
    long[] pads = TensorValues.int64s(p);
    if (pads == null || pads.length == 0 || pads.length % 2 != 0) {
      return null;
    }
    for (long v : pads) {
      if (v < 0) {
        return null;
      }
    }
    return pads;
  }

  private static boolean isZero(TensorProto v) {
    if (v.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
      return false;
    }
    if (!v.getRawData().isEmpty()) {
      java.nio.ByteBuffer b = v.getRawData().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN);
      return b.remaining() == 4 && b.getFloat() == 0f;
    }
    return v.getFloatDataCount() == 1 && v.getFloatData(0) == 0f;
  }
}
