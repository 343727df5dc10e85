package dev.sscam.onnx.gradient;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.sscam.onnx.OnnxGraphBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Shrinks a head (target layer → logits) to the part of each tensor that its output reads, for one
 * set of concrete input shapes.
 *
 * <p>A vision transformer's class-token head reads one token: {@code z = W · LN(X)[:, 0] + b}. From
 * the last block's {@code ln_1}, the exact {@code ∂z/∂A} needs the keys and values of every token but
 * the MLP, the output projection and the query of the class token only. Differentiating the head as
 * written computes all of them for all T tokens. This pass finds, from the output back, the box of
 * each tensor that some consumer reads (its <em>region</em>, per axis a range {@code [start, end)}),
 * computes each node only on the region of its output that is read, and slices its inputs to match.
 * The logits are unchanged as a function of A, so the gradient of the pruned head is the gradient of
 * the head.
 *
 * <p>It works on concrete shapes ({@link HeadShapes}, from one run of the head): the shape
 * arithmetic of the graph (Shape → Gather → Concat → Reshape) is folded into constants first, so
 * that each Reshape can be given the shape of the region it produces. Ops it knows how to map a
 * region through: element-wise ops with broadcasting, LayerNormalization, Softmax, MatMul, Gemm,
 * Transpose, Reshape and Flatten (when the region is whole rows of the leading restricted axis),
 * Slice, Gather with one index, Concat, Squeeze, Unsqueeze and the Reduce ops. Any other op computes
 * its whole output from whole inputs, so an unknown op costs speed, never correctness.
 */
final class RegionPruning {
  private static final Set<String> ELEMENTWISE = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum",
      "Mean", "Where", "Equal", "Greater", "GreaterOrEqual", "Less", "LessOrEqual", "And", "Or", "Xor", "Not",
      "PRelu", "Relu", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Erf", "Gelu", "Sqrt", "Exp",
      "Log", "Neg", "Abs", "Reciprocal", "Identity", "Cast", "Clip", "Elu", "Selu", "Celu", "Softplus", "Softsign",
      "Mish", "Floor", "Ceil", "Round", "Sign", "Dropout", "ThresholdedRelu");
  private static final Set<String> REDUCE = Set.of("ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin",
      "ReduceProd", "ReduceL1", "ReduceL2", "ReduceSumSquare", "ReduceLogSum", "ReduceLogSumExp");
  /** Ops whose output is a function of their inputs' shapes only, or of nothing. */
  private static final Set<String> SHAPE_ONLY = Set.of("Shape", "Size");

  private RegionPruning() {}

  /** A box of a tensor: {@code [start[i], end[i])} on each axis i. */
  record Region(long[] start, long[] end) {
    static Region full(long[] shape) {
      return new Region(new long[shape.length], shape.clone());
    }

    boolean isFull(long[] shape) {
      for (int i = 0; i < shape.length; i++) {
        if (start[i] != 0 || end[i] != shape[i]) {
          return false;
        }
      }
      return true;
    }

    Region union(Region o) {
      long[] s = new long[start.length];
      long[] e = new long[end.length];
      for (int i = 0; i < s.length; i++) {
        s[i] = Math.min(start[i], o.start[i]);
        e[i] = Math.max(end[i], o.end[i]);
      }
      return new Region(s, e);
    }

    long[] dims() {
      long[] d = new long[start.length];
      for (int i = 0; i < d.length; i++) {
        d[i] = end[i] - start[i];
      }
      return d;
    }

    int rank() {
      return start.length;
    }

    Region withFull(int axis, long size) {
      Region r = new Region(start.clone(), end.clone());
      r.start[axis] = 0;
      r.end[axis] = size;
      return r;
    }

    boolean sameAs(Region o) {
      return Arrays.equals(start, o.start) && Arrays.equals(end, o.end);
    }
  }

  /**
   * Tensors of {@code graph} whose values do not depend on the values of its inputs, given their
   * shapes: initializers, Constant outputs, Shape and Size outputs, and what deterministic standard
   * ops compute from those alone.
   */
  static Set<String> staticTensors(GraphProto graph) {
    Set<String> statics = new HashSet<>();
    for (TensorProto t : graph.getInitializerList()) {
      statics.add(t.getName());
    }
    for (NodeProto n : graph.getNodeList()) {
      String op = n.getOpType();
      boolean standard = n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx");
      boolean random = op.startsWith("Random") || op.equals("Multinomial") || op.equals("Dropout");
      boolean isStatic = standard && !random && n.getAttributeList().stream().noneMatch(a -> a.hasG() || a.getGraphsCount() > 0);
      if (isStatic && !op.equals("Constant") && !SHAPE_ONLY.contains(op)) {
        for (String in : n.getInputList()) {
          isStatic &= in.isEmpty() || statics.contains(in);
        }
      }
      if (isStatic) {
        for (String out : n.getOutputList()) {
          if (!out.isEmpty()) {
            statics.add(out);
          }
        }
      }
    }
    return statics;
  }

  /**
   * The head {@code head} (one output) pruned to the regions its output reads, with its shape
   * arithmetic folded for {@code shapes}; empty when every node needs its whole output (a CNN's
   * pooled head), so that the general graph is as fast.
   *
   * @param shapes the concrete shape of every non-static tensor, and the value of every static
   *     tensor a node computes (from {@link HeadShapes#probe})
   * @return the pruned head, and the shape of each of its tensors
   */
  static Optional<Pruned> prune(ModelProto head, HeadShapes shapes) {
    GraphProto g = head.getGraph();
    int opset = (int) HeadGradient.defaultOpset(head);
    if (opset < 10 || g.getOutputCount() != 1) {
      return Optional.empty(); // Slice takes its ranges as inputs from opset 10
    }
    String output = g.getOutput(0).getName();
    Set<String> statics = staticTensors(g);
    Map<String, TensorProto> constants = new HashMap<>();
    for (TensorProto t : g.getInitializerList()) {
      constants.put(t.getName(), t);
    }
    constants.putAll(shapes.staticValues());
    Map<String, long[]> shapeOf = new HashMap<>(shapes.shapes());
    for (TensorProto t : constants.values()) {
      shapeOf.putIfAbsent(t.getName(), t.getDimsList().stream().mapToLong(Long::longValue).toArray());
    }
    List<NodeProto> nodes = new ArrayList<>();
    for (NodeProto n : g.getNodeList()) {
      boolean isStatic = n.getOutputList().stream().allMatch(o -> o.isEmpty() || statics.contains(o));
      if (!isStatic) {
        nodes.add(n);
      }
    }
    for (NodeProto n : nodes) {
      for (String s : n.getInputList()) {
        if (!s.isEmpty() && !shapeOf.containsKey(s)) {
          return Optional.empty();
        }
      }
      for (String s : n.getOutputList()) {
        if (!s.isEmpty() && !shapeOf.containsKey(s)) {
          return Optional.empty();
        }
      }
      for (String s : n.getInputList()) {
        if (statics.contains(s) && !constants.containsKey(s)) {
          return Optional.empty(); // a static value the probe could not read
        }
      }
    }

    // From the output back: the region of each tensor that some consumer reads.
    Map<String, Region> demand = new HashMap<>();
    demand.put(output, Region.full(shapeOf.get(output)));
    Map<NodeProto, Plan> plans = new HashMap<>();
    Context ctx = new Context(shapeOf, constants, opset);
    for (int i = nodes.size() - 1; i >= 0; i--) {
      NodeProto n = nodes.get(i);
      Region wanted = null;
      int liveOutputs = 0;
      for (String out : n.getOutputList()) {
        if (!out.isEmpty() && demand.containsKey(out)) {
          liveOutputs++;
          wanted = demand.get(out);
        }
      }
      if (liveOutputs == 0) {
        continue;
      }
      Plan plan = outputs(n).size() == 1 ? ctx.plan(n, wanted) : null;
      if (plan == null) {
        plan = ctx.whole(n);
      }
      plans.put(n, plan);
      for (int k = 0; k < n.getInputCount(); k++) {
        String in = n.getInput(k);
        if (in.isEmpty() || statics.contains(in)) {
          continue;
        }
        Region r = plan.inputs[k];
        demand.merge(in, r, Region::union);
      }
    }
    // a plan's region is that of the node's first output; a node of several outputs is computed whole
    boolean pruned = plans.entrySet().stream()
        .anyMatch(e -> !e.getValue().output.isFull(shapeOf.get(outputs(e.getKey()).get(0))));
    if (!pruned) {
      return Optional.empty();
    }

    // Forward: each live node on its region, its inputs sliced to the regions it reads.
    Set<String> taken = new HashSet<>(shapeOf.keySet());
    for (NodeProto n : g.getNodeList()) {
      taken.addAll(n.getOutputList());
      taken.add(n.getName());
    }
    Emitter out = new Emitter(taken);
    Map<String, Region> computed = new HashMap<>();
    Map<String, long[]> prunedShapes = new HashMap<>();
    for (ValueInfoProto in : g.getInputList()) {
      if (shapeOf.containsKey(in.getName())) {
        prunedShapes.put(in.getName(), shapeOf.get(in.getName()));
      }
    }
    for (NodeProto n : nodes) {
      Plan plan = plans.get(n);
      if (plan == null) {
        continue;
      }
      NodeProto.Builder b = n.toBuilder();
      for (int k = 0; k < n.getInputCount(); k++) {
        String in = n.getInput(k);
        if (in.isEmpty()) {
          continue;
        }
        Region have = computed.getOrDefault(in, Region.full(shapeOf.get(in)));
        Region need = plan.inputs[k];
        if (statics.contains(in)) {
          out.useConstant(constants.get(in));
          prunedShapes.put(in, shapeOf.get(in));
        }
        if (!need.sameAs(have)) {
          String cut = out.slice(in, need, have);
          prunedShapes.put(cut, need.dims());
          b.setInput(k, cut);
        }
      }
      plan.rewrite.accept(b, out);
      out.nodes.add(b.build());
      List<String> outputs = outputs(n);
      for (String o : outputs) {
        Region r = outputs.size() == 1 ? plan.output : Region.full(shapeOf.get(o));
        computed.put(o, r);
        prunedShapes.put(o, r.dims());
      }
    }
    GraphProto.Builder pg = GraphProto.newBuilder().setName(g.getName() + "_regions");
    pg.addAllInput(g.getInputList());
    pg.addAllOutput(g.getOutputList());
    pg.addAllInitializer(out.initializers.values());
    pg.addAllNode(out.nodes);
    for (ValueInfoProto vi : g.getValueInfoList()) {
      if (!computed.containsKey(vi.getName())) {
        pg.addValueInfo(vi);
      }
    }
    return Optional.of(new Pruned(head.toBuilder().clearGraph().setGraph(pg).build(), prunedShapes));
  }

  /** The node's outputs that are not omitted (""). */
  private static List<String> outputs(NodeProto n) {
    return n.getOutputList().stream().filter(o -> !o.isEmpty()).toList();
  }

  /** A pruned head and the shape of every tensor in it (for {@link HeadGradient}'s constant shapes). */
  record Pruned(ModelProto model, Map<String, long[]> shapes) {}

  /** A node's output region and the region of each input it reads, and how its attributes change. */
  private record Plan(Region output, Region[] inputs, Rewrite rewrite) {}

  @FunctionalInterface
  private interface Rewrite {
    void accept(NodeProto.Builder node, Emitter emitter);

    Rewrite NONE = (n, e) -> {};
  }

  /** The nodes, initializers and fresh names of the pruned graph. */
  private static final class Emitter {
    final List<NodeProto> nodes = new ArrayList<>();
    final Map<String, TensorProto> initializers = new java.util.LinkedHashMap<>();
    private final Set<String> taken;
    private int counter;

    Emitter(Set<String> taken) {
      this.taken = taken;
    }

    String fresh(String hint) {
      String name;
      do {
        name = "sscam_region_" + hint + "_" + counter++;
      } while (taken.contains(name));
      taken.add(name);
      return name;
    }

    void useConstant(TensorProto t) {
      initializers.putIfAbsent(t.getName(), t);
    }

    String int64(String hint, long[] values, long... dims) {
      String name = fresh(hint);
      initializers.put(name, OnnxGraphBuilder.int64Tensor(name, values, dims));
      return name;
    }

    /** {@code in} (holding region {@code have} of its tensor) cut to region {@code need}. */
    String slice(String in, Region need, Region have) {
      List<Long> axes = new ArrayList<>();
      List<Long> starts = new ArrayList<>();
      List<Long> ends = new ArrayList<>();
      for (int i = 0; i < need.rank(); i++) {
        if (need.start[i] != have.start[i] || need.end[i] != have.end[i]) {
          axes.add((long) i);
          starts.add(need.start[i] - have.start[i]);
          ends.add(need.end[i] - have.start[i]);
        }
      }
      String o = fresh("slice");
      int k = axes.size();
      nodes.add(NodeProto.newBuilder().setOpType("Slice").setName(o)
          .addInput(in)
          .addInput(int64("starts", starts.stream().mapToLong(Long::longValue).toArray(), k))
          .addInput(int64("ends", ends.stream().mapToLong(Long::longValue).toArray(), k))
          .addInput(int64("axes", axes.stream().mapToLong(Long::longValue).toArray(), k))
          .addOutput(o).build());
      return o;
    }
  }

  /** The region rules, over the concrete shapes and folded constants. */
  private record Context(Map<String, long[]> shapes, Map<String, TensorProto> constants, int opset) {
    long[] shape(String name) {
      return shapes.get(name);
    }

    long[] ints(String name) {
      TensorProto t = constants.get(name);
      return t == null ? null : TensorValues.int64s(t);
    }

    /** The whole output from whole inputs. */
    Plan whole(NodeProto n) {
      Region[] ins = new Region[n.getInputCount()];
      for (int k = 0; k < ins.length; k++) {
        String in = n.getInput(k);
        ins[k] = in.isEmpty() ? null : Region.full(shape(in));
      }
      return new Plan(Region.full(shape(outputs(n).get(0))), ins, Rewrite.NONE);
    }

    /** The plan for computing region {@code r} of the node's only output, or null when unknown. */
    Plan plan(NodeProto n, Region r) {
      String op = n.getOpType();
      long[] outShape = shape(outputs(n).get(0));
      if (ELEMENTWISE.contains(op)) {
        return broadcast(n, r, outShape);
      }
      return switch (op) {
        case "LayerNormalization" -> normalised(n, r, outShape, (int) NodeAttributes.getInt(n, "axis", -1), true);
        case "Softmax", "LogSoftmax" -> normalised(n, r, outShape,
            (int) NodeAttributes.getInt(n, "axis", opset >= 13 ? -1 : 1), opset < 13);
        case "MatMul" -> matMul(n, r, outShape);
        case "Gemm" -> gemm(n, r, outShape);
        case "Transpose" -> transpose(n, r, outShape);
        case "Reshape", "Flatten" -> reshape(n, r, outShape);
        case "Slice" -> slice(n, r);
        case "Gather" -> gather(n, r);
        case "Concat" -> concat(n, r, outShape);
        case "Squeeze" -> squeeze(n, r);
        case "Unsqueeze" -> unsqueeze(n, r, outShape);
        default -> REDUCE.contains(op) ? reduce(n, r, outShape) : null;
      };
    }

    /** Numpy broadcasting: an input axis of size 1 is read whole, the others over the output's range. */
    private Plan broadcast(NodeProto n, Region r, long[] outShape) {
      Region[] ins = new Region[n.getInputCount()];
      for (int k = 0; k < ins.length; k++) {
        String in = n.getInput(k);
        if (in.isEmpty()) {
          continue;
        }
        ins[k] = aligned(shape(in), r, outShape);
        if (ins[k] == null) {
          return null;
        }
      }
      return new Plan(r, ins, Rewrite.NONE);
    }

    private static Region aligned(long[] inShape, Region r, long[] outShape) {
      int offset = outShape.length - inShape.length;
      if (offset < 0) {
        return null;
      }
      long[] s = new long[inShape.length];
      long[] e = new long[inShape.length];
      for (int j = 0; j < inShape.length; j++) {
        int oa = j + offset;
        if (inShape[j] == outShape[oa]) {
          s[j] = r.start[oa];
          e[j] = r.end[oa];
        } else {
          e[j] = inShape[j]; // broadcast (size 1)
        }
      }
      return new Region(s, e);
    }

    /** LayerNormalization and Softmax: the normalised axes are read whole. */
    private Plan normalised(NodeProto n, Region r, long[] outShape, int axis, boolean allFrom) {
      int a = axis < 0 ? axis + outShape.length : axis;
      Region w = r;
      int end = allFrom ? outShape.length : a + 1;
      for (int i = a; i < end; i++) {
        w = w.withFull(i, outShape[i]);
      }
      return broadcast(n, w, outShape);
    }

    private Plan matMul(NodeProto n, Region r, long[] outShape) {
      long[] a = shape(n.getInput(0));
      long[] b = shape(n.getInput(1));
      int rank = outShape.length;
      if (a.length < 2 || b.length < 2) {
        return null;
      }
      // batch axes broadcast like element-wise ops; rows of A follow the output's rows, columns of B its columns
      long[] aBatch = Arrays.copyOf(a, a.length - 2);
      long[] bBatch = Arrays.copyOf(b, b.length - 2);
      long[] outBatch = Arrays.copyOf(outShape, rank - 2);
      Region rb = new Region(Arrays.copyOf(r.start, rank - 2), Arrays.copyOf(r.end, rank - 2));
      Region ra = aligned(aBatch, rb, outBatch);
      Region rbb = aligned(bBatch, rb, outBatch);
      Region inA = append(ra, r.start[rank - 2], r.end[rank - 2], 0, a[a.length - 1]);
      Region inB = append(rbb, 0, b[b.length - 2], r.start[rank - 1], r.end[rank - 1]);
      return new Plan(r, new Region[] {inA, inB}, Rewrite.NONE);
    }

    private static Region append(Region batch, long s1, long e1, long s2, long e2) {
      int k = batch.rank();
      long[] s = Arrays.copyOf(batch.start, k + 2);
      long[] e = Arrays.copyOf(batch.end, k + 2);
      s[k] = s1;
      e[k] = e1;
      s[k + 1] = s2;
      e[k + 1] = e2;
      return new Region(s, e);
    }

    private Plan gemm(NodeProto n, Region r, long[] outShape) {
      long[] a = shape(n.getInput(0));
      long[] b = shape(n.getInput(1));
      boolean ta = NodeAttributes.getInt(n, "transA", 0) != 0;
      boolean tb = NodeAttributes.getInt(n, "transB", 0) != 0;
      if (a.length != 2 || b.length != 2) {
        return null;
      }
      Region inA = ta ? new Region(new long[] {0, r.start[0]}, new long[] {a[0], r.end[0]})
          : new Region(new long[] {r.start[0], 0}, new long[] {r.end[0], a[1]});
      Region inB = tb ? new Region(new long[] {r.start[1], 0}, new long[] {r.end[1], b[1]})
          : new Region(new long[] {0, r.start[1]}, new long[] {b[0], r.end[1]});
      Region[] ins = new Region[n.getInputCount()];
      ins[0] = inA;
      ins[1] = inB;
      if (ins.length > 2 && !n.getInput(2).isEmpty()) {
        ins[2] = aligned(shape(n.getInput(2)), r, outShape);
        if (ins[2] == null) {
          return null;
        }
      }
      return new Plan(r, ins, Rewrite.NONE);
    }

    private Plan transpose(NodeProto n, Region r, long[] outShape) {
      long[] perm = NodeAttributes.getInts(n, "perm");
      int rank = outShape.length;
      if (perm == null || perm.length == 0) {
        perm = new long[rank];
        for (int i = 0; i < rank; i++) {
          perm[i] = rank - 1 - i;
        }
      }
      long[] s = new long[rank];
      long[] e = new long[rank];
      for (int i = 0; i < rank; i++) {
        s[(int) perm[i]] = r.start[i];
        e[(int) perm[i]] = r.end[i];
      }
      return new Plan(r, new Region[] {new Region(s, e)}, Rewrite.NONE);
    }

    /**
     * Reshape and Flatten keep the row-major order, so a region restricting one axis a of the output
     * is, within each block of the axes before it, a contiguous run of elements: it is a box of the
     * input when the input has an axis a' with the same number of elements before it and the run is
     * whole rows of a'. The node then gets the region's shape as its (constant) target shape.
     */
    private Plan reshape(NodeProto n, Region r, long[] outShape) {
      long[] in = shape(n.getInput(0));
      int restricted = -1;
      for (int i = 0; i < outShape.length; i++) {
        if (r.start[i] != 0 || r.end[i] != outShape[i]) {
          if (restricted >= 0) {
            return null;
          }
          restricted = i;
        }
      }
      if (restricted < 0) {
        return null; // the whole output: the node as it is
      }
      long outer = 1;
      for (int i = 0; i < restricted; i++) {
        outer *= outShape[i];
      }
      long innerOut = 1;
      for (int i = restricted + 1; i < outShape.length; i++) {
        innerOut *= outShape[i];
      }
      long before = 1;
      for (int ap = 0; ap < in.length; ap++) {
        if (before == outer && in[ap] > 1) {
          long innerIn = 1;
          for (int i = ap + 1; i < in.length; i++) {
            innerIn *= in[i];
          }
          long s = r.start[restricted] * innerOut;
          long e = r.end[restricted] * innerOut;
          if (in[ap] * innerIn != outShape[restricted] * innerOut || s % innerIn != 0 || e % innerIn != 0) {
            return null;
          }
          Region input = Region.full(in);
          input.start[ap] = s / innerIn;
          input.end[ap] = e / innerIn;
          Region[] ins = new Region[n.getInputCount()];
          ins[0] = input;
          if (ins.length > 1) {
            ins[1] = Region.full(shape(n.getInput(1)));
          }
          long[] dims = r.dims();
          Rewrite rw = n.getOpType().equals("Flatten") ? Rewrite.NONE
              : (b, em) -> b.setInput(1, em.int64("shape", dims, dims.length));
          return new Plan(r, ins, rw);
        }
        before *= in[ap];
        if (before > outer) {
          return null;
        }
      }
      return null;
    }

    /** A step-1 Slice of a pre-cut input is the identity. */
    private Plan slice(NodeProto n, Region r) {
      long[] in = shape(n.getInput(0));
      if (n.getInputCount() < 3) {
        return null;
      }
      long[] starts = ints(n.getInput(1));
      long[] ends = ints(n.getInput(2));
      long[] axes = n.getInputCount() > 3 && !n.getInput(3).isEmpty() ? ints(n.getInput(3)) : null;
      long[] steps = n.getInputCount() > 4 && !n.getInput(4).isEmpty() ? ints(n.getInput(4)) : null;
      if (starts == null || ends == null || (n.getInputCount() > 3 && !n.getInput(3).isEmpty() && axes == null)
          || (n.getInputCount() > 4 && !n.getInput(4).isEmpty() && steps == null)) {
        return null;
      }
      Region input = new Region(r.start.clone(), r.end.clone());
      for (int k = 0; k < starts.length; k++) {
        int axis = (int) (axes == null ? k : axes[k]);
        if (axis < 0) {
          axis += in.length;
        }
        if (steps != null && steps[k] != 1) {
          return null;
        }
        long st = TensorValues.sliceBound(starts[k], in[axis]);
        input.start[axis] = st + r.start[axis];
        input.end[axis] = st + r.end[axis];
      }
      Region[] ins = new Region[n.getInputCount()];
      ins[0] = input;
      for (int k = 1; k < ins.length; k++) {
        if (!n.getInput(k).isEmpty()) {
          ins[k] = Region.full(shape(n.getInput(k)));
        }
      }
      return new Plan(r, ins, (b, em) -> {
        String x = b.getInput(0);
        b.clearInput().addInput(x).setOpType("Identity").clearAttribute();
      });
    }

    /** Gather of one constant index: the indexed axis is read at that index only. */
    private Plan gather(NodeProto n, Region r) {
      long[] data = shape(n.getInput(0));
      long[] idx = ints(n.getInput(1));
      long[] idxShape = shape(n.getInput(1));
      if (idx == null || idx.length != 1 || idxShape.length > 1) {
        return null;
      }
      int axis = (int) NodeAttributes.getInt(n, "axis", 0);
      if (axis < 0) {
        axis += data.length;
      }
      long i = idx[0] < 0 ? idx[0] + data[axis] : idx[0];
      long[] s = new long[data.length];
      long[] e = new long[data.length];
      int o = 0;
      for (int d = 0; d < data.length; d++) {
        if (d == axis) {
          s[d] = i;
          e[d] = i + 1;
          if (idxShape.length == 1) {
            o++;
          }
        } else {
          s[d] = r.start[o];
          e[d] = r.end[o];
          o++;
        }
      }
      Region[] ins = {new Region(s, e), Region.full(idxShape)};
      long[] dims = idxShape.clone();
      return new Plan(r, ins, (b, em) -> b.setInput(1, em.int64("index", new long[] {0}, dims)));
    }

    private Plan concat(NodeProto n, Region r, long[] outShape) {
      int axis = (int) NodeAttributes.getInt(n, "axis", 0);
      if (axis < 0) {
        axis += outShape.length;
      }
      Region w = r.withFull(axis, outShape[axis]);
      Region[] ins = new Region[n.getInputCount()];
      for (int k = 0; k < ins.length; k++) {
        long[] in = shape(n.getInput(k));
        ins[k] = w.withFull(axis, in[axis]);
      }
      return new Plan(w, ins, Rewrite.NONE);
    }

    private long[] axes(NodeProto n, int inputIndex, int rank) {
      long[] axes = NodeAttributes.has(n, "axes") ? NodeAttributes.getInts(n, "axes")
          : n.getInputCount() > inputIndex && !n.getInput(inputIndex).isEmpty() ? ints(n.getInput(inputIndex)) : null;
      if (axes == null) {
        return null;
      }
      long[] norm = new long[axes.length];
      for (int k = 0; k < axes.length; k++) {
        norm[k] = axes[k] < 0 ? axes[k] + rank : axes[k];
      }
      return norm;
    }

    private Plan squeeze(NodeProto n, Region r) {
      long[] in = shape(n.getInput(0));
      long[] axes = axes(n, 1, in.length);
      boolean explicit = NodeAttributes.has(n, "axes") || (n.getInputCount() > 1 && !n.getInput(1).isEmpty());
      if (axes == null && explicit) {
        return null;
      }
      Set<Long> squeezed = new HashSet<>();
      if (axes == null) {
        for (int d = 0; d < in.length; d++) {
          if (in[d] == 1) {
            squeezed.add((long) d);
          }
        }
      } else {
        for (long a : axes) {
          squeezed.add(a);
        }
      }
      long[] s = new long[in.length];
      long[] e = new long[in.length];
      int o = 0;
      for (int d = 0; d < in.length; d++) {
        if (squeezed.contains((long) d)) {
          e[d] = 1;
        } else {
          s[d] = r.start[o];
          e[d] = r.end[o];
          o++;
        }
      }
      return withShapeInputs(n, r, new Region(s, e));
    }

    private Plan unsqueeze(NodeProto n, Region r, long[] outShape) {
      long[] axes = axes(n, 1, outShape.length);
      if (axes == null) {
        return null;
      }
      Set<Long> inserted = new HashSet<>();
      for (long a : axes) {
        inserted.add(a);
      }
      int rank = outShape.length - inserted.size();
      long[] s = new long[rank];
      long[] e = new long[rank];
      int i = 0;
      for (int d = 0; d < outShape.length; d++) {
        if (!inserted.contains((long) d)) {
          s[i] = r.start[d];
          e[i] = r.end[d];
          i++;
        }
      }
      return withShapeInputs(n, r, new Region(s, e));
    }

    private Plan reduce(NodeProto n, Region r, long[] outShape) {
      long[] in = shape(n.getInput(0));
      long[] axes = axes(n, 1, in.length);
      boolean keep = NodeAttributes.getInt(n, "keepdims", 1) != 0;
      if (axes == null || axes.length == 0 || !keep) {
        return null;
      }
      Region input = new Region(r.start.clone(), r.end.clone());
      for (long a : axes) {
        input = input.withFull((int) a, in[(int) a]);
      }
      return withShapeInputs(n, r, input);
    }

    /** The data input reads {@code data}; constant inputs (axes) are read whole. */
    private Plan withShapeInputs(NodeProto n, Region r, Region data) {
      Region[] ins = new Region[n.getInputCount()];
      ins[0] = data;
      for (int k = 1; k < ins.length; k++) {
        if (!n.getInput(k).isEmpty()) {
          ins[k] = Region.full(shape(n.getInput(k)));
        }
      }
      return new Plan(r, ins, Rewrite.NONE);
    }
  }
}
