package dev.sscam.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.sscam.SscamException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The file-level checks a model passes before ONNX Runtime sees it, so that a broken or hostile
 * file is one clear error naming the file instead of a native failure or a huge allocation:
 *
 * <ul>
 *   <li>the default-domain opset is between {@link #MIN_OPSET} and {@link #MAX_OPSET} (the range
 *       sscam's gradient rules and {@code OpsetUpgrade} are written for);
 *   <li>every tensor a top-level node reads is a graph input, an initializer or another node's
 *       output; no tensor is produced twice; every graph output is produced;
 *   <li>the nodes form no cycle (ONNX graphs are DAGs);
 *   <li>no declared dimension of an input, output or value_info is negative or over {@link
 *       #MAX_DIMENSION}, and no declared tensor holds more than {@link #MAX_ELEMENTS} values;
 *   <li>every initializer's dims agree with the bytes (or float, int32, int64, double values) it
 *       stores.
 * </ul>
 *
 * Nodes inside control-flow subgraphs (If, Loop, Scan) may read outer-scope names and are left to
 * ONNX Runtime's own checker.
 */
final class GraphIntegrity {
  /** Lowest default-domain opset accepted: torchvision exports since 2019 and OpsetUpgrade's base. */
  static final long MIN_OPSET = 9;

  /** Highest default-domain opset accepted: the newest the gradient rules were checked against. */
  static final long MAX_OPSET = 21;

  /** Largest single declared dimension (2^24): far above any image side, class count or channel count. */
  static final long MAX_DIMENSION = 1L << 24;

  /** Most values in one declared or stored tensor: what one Java float array can hold. */
  static final long MAX_ELEMENTS = Integer.MAX_VALUE;

  private GraphIntegrity() {}

  /** Throws an {@link SscamException} naming {@code file} at the first problem found. */
  static void check(ModelProto proto, Path file) {
    checkOpset(proto, file);
    GraphProto g = proto.getGraph();
    for (ValueInfoProto v : g.getInputList()) {
      checkDeclaredShape(v, "input", file);
    }
    for (ValueInfoProto v : g.getOutputList()) {
      checkDeclaredShape(v, "output", file);
    }
    for (ValueInfoProto v : g.getValueInfoList()) {
      checkDeclaredShape(v, "value_info", file);
    }
    for (TensorProto t : g.getInitializerList()) {
      checkInitializer(t, file);
    }
    checkDataflow(g, file);
  }

  private static void checkOpset(ModelProto proto, Path file) {
    long opset = -1;
    for (var o : proto.getOpsetImportList()) {
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
        opset = o.getVersion();
      }
    }
    if (opset < 0) {
      throw new SscamException("model " + file + " imports no ONNX opset (opset_import has no default domain)");
    }
    if (opset < MIN_OPSET || opset > MAX_OPSET) {
      throw new SscamException("model " + file + " uses ONNX opset " + opset + "; sscam supports opsets "
          + MIN_OPSET + " to " + MAX_OPSET + " (re-export it, e.g. torch.onnx.export(..., opset_version=17))");
    }
  }

  private static void checkDeclaredShape(ValueInfoProto v, String role, Path file) {
    if (!v.getType().hasTensorType() || !v.getType().getTensorType().hasShape()) {
      return;
    }
    long elements = 1;
    for (TensorShapeProto.Dimension d : v.getType().getTensorType().getShape().getDimList()) {
      if (!d.hasDimValue()) {
        continue; // symbolic (batch) or unknown
      }
      long n = d.getDimValue();
      if (n < 0 || n > MAX_DIMENSION) {
        throw new SscamException("model " + file + ": " + role + " '" + v.getName() + "' declares dimension "
            + n + " (" + shapeText(v) + "); dimensions must be 0.." + MAX_DIMENSION);
      }
      elements *= Math.max(n, 1);
      if (elements > MAX_ELEMENTS) {
        throw new SscamException("model " + file + ": " + role + " '" + v.getName() + "' declares "
            + shapeText(v) + ", more than " + MAX_ELEMENTS + " values");
      }
    }
  }

  private static void checkInitializer(TensorProto t, Path file) {
    long elements = 1;
    for (long n : t.getDimsList()) {
      if (n < 0 || n > MAX_ELEMENTS) {
        throw new SscamException("model " + file + ": initializer '" + t.getName() + "' has dims "
            + t.getDimsList() + ", which no tensor can have");
      }
      elements *= n;
      if (elements > MAX_ELEMENTS) {
        throw new SscamException("model " + file + ": initializer '" + t.getName() + "' has dims "
            + t.getDimsList() + ", more than " + MAX_ELEMENTS + " values");
      }
    }
    int width = bytesPerElement(t.getDataType());
    if (t.hasRawData() && width > 0 && t.getRawData().size() != elements * width) {
      throw new SscamException("model " + file + ": initializer '" + t.getName() + "' has dims "
          + t.getDimsList() + " (" + elements * width + " bytes) but stores " + t.getRawData().size()
          + " bytes (a truncated or corrupt model)");
    }
    long typed = t.hasRawData() ? -1 : typedValues(t);
    if (typed >= 0 && typed != elements) {
      throw new SscamException("model " + file + ": initializer '" + t.getName() + "' has dims "
          + t.getDimsList() + " (" + elements + " values) but stores " + typed
          + " values (a truncated or corrupt model)");
    }
  }

  /** Values held in the typed repeated field for the common types, −1 for other types. */
  private static long typedValues(TensorProto t) {
    return switch (t.getDataType()) {
      case 1 -> t.getFloatDataCount();
      case 6 -> t.getInt32DataCount();
      case 7 -> t.getInt64DataCount();
      case 11 -> t.getDoubleDataCount();
      default -> -1;
    };
  }

  /** Bytes per element of an ONNX {@code TensorProto.DataType}, 0 when not fixed-width bytes. */
  private static int bytesPerElement(int dataType) {
    return switch (dataType) {
      case 2, 3, 9, 17, 18, 19, 20 -> 1; // uint8, int8, bool, float8 variants
      case 4, 5, 10, 16 -> 2; // uint16, int16, float16, bfloat16
      case 1, 6, 12 -> 4; // float, int32, uint32
      case 7, 11, 13, 14 -> 8; // int64, double, uint64, complex64
      case 15 -> 16; // complex128
      default -> 0; // undefined, string, 4-bit packed types
    };
  }

  /** Dangling reads, double writes, unproduced outputs and cycles, by Kahn's topological sort. */
  private static void checkDataflow(GraphProto g, Path file) {
    Set<String> available = new HashSet<>();
    for (ValueInfoProto v : g.getInputList()) {
      available.add(v.getName());
    }
    for (TensorProto t : g.getInitializerList()) {
      available.add(t.getName());
    }
    for (SparseTensorProto t : g.getSparseInitializerList()) {
      available.add(t.getValues().getName());
    }
    Map<String, Integer> producer = new HashMap<>();
    List<NodeProto> nodes = g.getNodeList();
    for (int i = 0; i < nodes.size(); i++) {
      for (String out : nodes.get(i).getOutputList()) {
        if (out.isEmpty()) {
          continue; // an omitted optional output
        }
        if (available.contains(out) || producer.putIfAbsent(out, i) != null) {
          throw new SscamException("model " + file + ": tensor '" + out + "' is produced twice (by "
              + describe(nodes.get(i)) + " and another node, input or initializer)");
        }
      }
    }
    int[] missing = new int[nodes.size()];
    List<List<Integer>> readers = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      readers.add(new ArrayList<>());
    }
    for (int i = 0; i < nodes.size(); i++) {
      for (String in : nodes.get(i).getInputList()) {
        if (in.isEmpty() || available.contains(in)) {
          continue; // an omitted optional input, or a graph input/initializer
        }
        Integer p = producer.get(in);
        if (p == null) {
          throw new SscamException("model " + file + ": " + describe(nodes.get(i)) + " reads '" + in
              + "', which no node, graph input or initializer provides");
        }
        missing[i]++;
        readers.get(p).add(i);
      }
    }
    for (ValueInfoProto v : g.getOutputList()) {
      if (!available.contains(v.getName()) && !producer.containsKey(v.getName())) {
        throw new SscamException("model " + file + ": graph output '" + v.getName() + "' is produced by no node");
      }
    }
    Deque<Integer> ready = new ArrayDeque<>();
    for (int i = 0; i < nodes.size(); i++) {
      if (missing[i] == 0) {
        ready.add(i);
      }
    }
    int done = 0;
    while (!ready.isEmpty()) {
      int n = ready.poll();
      done++;
      for (int r : readers.get(n)) {
        if (--missing[r] == 0) {
          ready.add(r);
        }
      }
    }
    if (done < nodes.size()) {
      NodeProto onCycle = nodes.get(nodeOnCycle(nodes, producer, missing));
      throw new SscamException("model " + file + ": the graph has a cycle through " + describe(onCycle)
          + " (it needs its own output)");
    }
  }

  /** A node on a cycle: walk back from a node that never ran through producers that never ran. */
  private static int nodeOnCycle(List<NodeProto> nodes, Map<String, Integer> producer, int[] missing) {
    int at = 0;
    while (missing[at] == 0) {
      at++;
    }
    Set<Integer> seen = new HashSet<>();
    while (seen.add(at)) {
      for (String in : nodes.get(at).getInputList()) {
        Integer p = producer.get(in);
        if (p != null && missing[p] > 0) {
          at = p;
          break;
        }
      }
    }
    return at;
  }

  private static String describe(NodeProto n) {
    return "node '" + n.getName() + "' (" + n.getOpType() + ")";
  }

  private static String shapeText(ValueInfoProto v) {
    StringBuilder s = new StringBuilder("[");
    for (TensorShapeProto.Dimension d : v.getType().getTensorType().getShape().getDimList()) {
      if (s.length() > 1) {
        s.append(", ");
      }
      s.append(d.hasDimValue() ? Long.toString(d.getDimValue()) : d.getDimParam().isEmpty() ? "?" : d.getDimParam());
    }
    return s.append(']').toString();
  }
}
