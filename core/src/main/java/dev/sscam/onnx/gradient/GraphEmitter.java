package dev.sscam.onnx.gradient;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.sscam.onnx.OnnxGraphBuilder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes the nodes of the compiled gradient graph: fresh tensor names, single-output nodes,
 * shared int64/float constants and the few dynamic-shape idioms the VJP rules share (reduce a
 * broadcast gradient back to an input's shape, scatter a gradient through selected element
 * indices, crop a transposed convolution back to its input's size).
 */
final class GraphEmitter {
  /** Largest int64, the "to the end" bound of Slice. */
  static final long END = Long.MAX_VALUE;

  private final OnnxGraphBuilder builder;
  private final Map<String, String> constants = new HashMap<>();
  private final Map<String, String> shapes = new HashMap<>();
  /** Shapes known when the graph is compiled for fixed input shapes (forward tensors, gradients). */
  private final Map<String, long[]> known = new HashMap<>();
  /** The values of the 1-D int64 constants made by {@link #int64s}. */
  private final Map<String, long[]> int64Values = new HashMap<>();

  GraphEmitter(OnnxGraphBuilder builder) {
    this.builder = builder;
  }

  OnnxGraphBuilder builder() {
    return builder;
  }

  String fresh(String hint) {
    return builder.freshName(hint);
  }

  /** Appends a single-output node without attributes; returns its output name. */
  String op(String opType, String... inputs) {
    String out = fresh("g_" + opType);
    builder.node(opType).inputs(inputs).outputs(out).add();
    return out;
  }

  /** Starts a node with a fresh single output (read it back with {@link Node#out()}). */
  Node node(String opType) {
    return new Node(opType);
  }

  /** Appends an already-built node. */
  void add(NodeProto node) {
    builder.addNode(node);
  }

  /** A 1-D int64 constant holding {@code values} (shared between uses). */
  String int64s(long... values) {
    String name = constant("i64" + Arrays.toString(values), () ->
        OnnxGraphBuilder.int64Tensor("", values, values.length));
    int64Values.putIfAbsent(name, values.clone());
    return name;
  }

  /**
   * Records that {@code tensor} has shape {@code dims} whatever the inputs (a graph compiled for
   * fixed input shapes): {@link #shapeOf} is then a constant and {@link #reduceToShape} sums over
   * axes chosen here, without the shape arithmetic a dynamic graph runs on every call.
   */
  void knowShape(String tensor, long[] dims) {
    if (tensor != null && dims != null) {
      known.put(tensor, dims.clone());
    }
  }

  /** The shape recorded by {@link #knowShape}, or null. */
  long[] knownShape(String tensor) {
    return known.get(tensor);
  }

  /** A 0-D int64 constant. */
  String int64Scalar(long value) {
    return constant("i64s" + value, () -> OnnxGraphBuilder.int64Tensor("", new long[] {value}));
  }

  /** A 0-D float constant. */
  String floatScalar(float value) {
    return constant("f32s" + Float.floatToIntBits(value), () ->
        OnnxGraphBuilder.floatTensor("", new float[] {value}));
  }

  /** A float constant of the given shape. */
  String floats(float[] values, long... dims) {
    return constant("f32" + Arrays.toString(values) + Arrays.toString(dims), () ->
        OnnxGraphBuilder.floatTensor("", values, dims));
  }

  private String constant(String key, java.util.function.Supplier<TensorProto> make) {
    return constants.computeIfAbsent(key, k -> {
      String name = fresh("g_const");
      builder.initializer(make.get().toBuilder().setName(name).build());
      return name;
    });
  }

  /** {@code Shape(t)}, emitted once per tensor. */
  String shapeOf(String tensor) {
    long[] k = known.get(tensor);
    if (k != null) {
      return int64s(k);
    }
    return shapes.computeIfAbsent(tensor, t -> op("Shape", t));
  }

  /** {@code Shape(t)[start:end]} as a 1-D int64 tensor. */
  String dims(String tensor, long start, long end) {
    return op("Slice", shapeOf(tensor), int64s(start), int64s(end), int64s(0));
  }

  /** Number of elements of {@code t} as a 1-D int64 tensor of length 1. */
  String sizeVector(String tensor) {
    return op("Reshape", op("Size", tensor), int64s(1));
  }

  /** Zeros (float) with the shape given by the 1-D int64 tensor {@code shape}. */
  String zeros(String shape) {
    return node("ConstantOfShape").in(shape)
        .tensor("value", OnnxGraphBuilder.floatTensor("value", new float[] {0f}, 1)).out();
  }

  /**
   * Undoes numpy broadcasting: sums {@code grad} over the axes along which a tensor of shape
   * {@code targetShape} was broadcast (leading axes it lacks, and axes where it has size 1 but the
   * gradient does not), then reshapes to {@code targetShape}. Rank-agnostic and shape-dynamic:
   * the reduced axes are computed in the graph as
   * {@code NonZero((pad_left_with_ones(target) == 1) & (Shape(grad) != 1))}.
   */
  String reduceToShape(String grad, String targetShape) {
    long[] g = known.get(grad);
    long[] t = int64Values.get(targetShape);
    if (g != null && t != null && g.length >= t.length) {
      return reduceToKnownShape(grad, g, t, targetShape);
    }
    String gradShape = shapeOf(grad);
    String missing = op("Sub", op("Size", gradShape), op("Size", targetShape));
    String ones = node("ConstantOfShape").in(op("Reshape", missing, int64s(1)))
        .tensor("value", OnnxGraphBuilder.int64Tensor("value", new long[] {1}, 1)).out();
    String padded = node("Concat").in(ones, targetShape).attr("axis", 0).out();
    String one = int64Scalar(1);
    String broadcastAxes = op("And", op("Equal", padded, one), op("Not", op("Equal", gradShape, one)));
    String axes = op("Reshape", op("NonZero", broadcastAxes), int64s(-1));
    String summed = node("ReduceSum").in(grad, axes).attr("keepdims", 1)
        .attr("noop_with_empty_axes", 1).out();
    return op("Reshape", summed, targetShape);
  }

  /** {@link #reduceToShape} with both shapes known: the broadcast axes are found here. */
  private String reduceToKnownShape(String grad, long[] g, long[] t, String targetShape) {
    int missing = g.length - t.length;
    java.util.List<Long> axes = new java.util.ArrayList<>();
    for (int i = 0; i < g.length; i++) {
      long td = i < missing ? 1 : t[i - missing];
      if (i < missing || (td == 1 && g[i] != 1)) {
        axes.add((long) i);
      }
    }
    if (axes.isEmpty() && missing == 0) {
      return grad;
    }
    String out = grad;
    if (!axes.isEmpty()) {
      out = node("ReduceSum").in(grad, int64s(axes.stream().mapToLong(Long::longValue).toArray()))
          .attr("keepdims", 1).out();
    }
    out = op("Reshape", out, targetShape);
    knowShape(out, t);
    return out;
  }

  /**
   * The flat (row-major) index of every element of {@code x}, shaped like {@code x} (int64):
   * {@code Reshape(Range(0, Size(x), 1), Shape(x))}. A pure data-movement op (Slice, Gather, Pad,
   * Tile...) applied to it tells which input element each output element copies.
   */
  String elementIndices(String x) {
    String range = op("Range", int64Scalar(0), op("Size", x), int64Scalar(1));
    return op("Reshape", range, shapeOf(x));
  }

  /**
   * The gradient of a data-movement op: {@code dx[i] = sum of dy[j] over all j with
   * selected[j] == i}, i.e. ScatterElements with reduction "add" into zeros the size of
   * {@code x}, then reshaped to {@code Shape(x)}. {@code selected} holds flat indices into x,
   * shaped like {@code dy}. With {@code offsetByOne}, index 0 means "no input element" (padding)
   * and index i+1 means element i.
   */
  String scatterAdd(String x, String selected, String dy, boolean offsetByOne) {
    String size = sizeVector(x);
    if (offsetByOne) {
      size = op("Add", size, int64s(1));
    }
    String flat = node("ScatterElements")
        .in(zeros(size), op("Reshape", selected, int64s(-1)), op("Reshape", dy, int64s(-1)))
        .attr("axis", 0).attr("reduction", "add").out();
    if (offsetByOne) {
      flat = op("Slice", flat, int64s(1), int64s(END), int64s(0));
    }
    return op("Reshape", flat, shapeOf(x));
  }

  /**
   * Crops the full-size output of a transposed convolution (no padding) back to the input of the
   * forward window op: {@code dx[..., i] = full[..., i + padBegin]} for i below the input's size,
   * zero where the full result is too short (trailing input rows no window reached). Spatial axes
   * are 2..k+1; {@code spatialShape} is the input's spatial shape (1-D int64, dynamic).
   */
  String cropToInput(String full, String spatialShape, long[] padBegin, long[] strides) {
    return cropToInput(full, spatialShape, int64s(padBegin), strides);
  }

  /** As above with the begin pads given as a 1-D int64 graph tensor (e.g. computed for SAME). */
  String cropToInput(String full, String spatialShape, String padBegin, long[] strides) {
    int k = strides.length;
    long[] axes = new long[k];
    long[] endPads = new long[2 * k];
    boolean needPad = false;
    for (int i = 0; i < k; i++) {
      axes[i] = 2 + i;
      // the full result is at most (stride - 1) shorter than padBegin + input size
      endPads[k + i] = strides[i] - 1;
      needPad |= strides[i] > 1;
    }
    String padded = full;
    if (needPad) {
      padded = op("Pad", full, int64s(endPads), "", int64s(axes));
    }
    String ends = op("Add", spatialShape, padBegin);
    return op("Slice", padded, padBegin, ends, int64s(axes));
  }

  /** One node under construction with a single fresh output. */
  final class Node {
    private final OnnxGraphBuilder.NodeBuilder nb;
    private final String out;

    private Node(String opType) {
      this.nb = builder.node(opType);
      this.out = fresh("g_" + opType);
    }

    Node in(String... inputs) {
      nb.inputs(inputs);
      return this;
    }

    Node attr(String name, long value) {
      nb.attrInt(name, value);
      return this;
    }

    Node attr(String name, long[] values) {
      nb.attrInts(name, values);
      return this;
    }

    Node attr(String name, float value) {
      nb.attrFloat(name, value);
      return this;
    }

    Node attr(String name, String value) {
      nb.attrString(name, value);
      return this;
    }

    Node tensor(String name, TensorProto value) {
      nb.attrTensor(name, value);
      return this;
    }

    Node copy(ai.onnx.proto.OnnxMl.AttributeProto a) {
      nb.attr(a);
      return this;
    }

    /** Adds the node; returns its output name. */
    String out() {
      nb.outputs(out).add();
      return out;
    }
  }
}
