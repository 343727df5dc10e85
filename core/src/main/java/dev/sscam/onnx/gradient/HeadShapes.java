package dev.sscam.onnx.gradient;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The concrete shape of every tensor of a head for one set of input shapes, and the values of the
 * tensors that do not depend on the inputs' values ({@link RegionPruning#staticTensors}): what
 * {@link RegionPruning} needs to fold a graph's shape arithmetic and map regions through it.
 *
 * @param shapes shape of each graph input and node output
 * @param staticValues value of each static tensor computed by a node (Constant, Shape → … chains)
 */
record HeadShapes(Map<String, long[]> shapes, Map<String, TensorProto> staticValues) {

  /**
   * Runs {@code head} once on {@code feeds} with every node output fetched and reads the shapes and
   * static values. Static tensors of a type it cannot read are left out (pruning then declines).
   */
  static HeadShapes probe(OrtEnvironment env, ModelProto head, Map<String, OnnxTensor> feeds,
      OrtSession.SessionOptions options) throws OrtException {
    GraphProto g = head.getGraph();
    Set<String> outputs = new LinkedHashSet<>();
    for (NodeProto n : g.getNodeList()) {
      for (String o : n.getOutputList()) {
        if (!o.isEmpty()) {
          outputs.add(o);
        }
      }
    }
    GraphProto.Builder pg = g.toBuilder().clearOutput();
    for (String o : outputs) {
      pg.addOutput(ValueInfoProto.newBuilder().setName(o));
    }
    Set<String> statics = RegionPruning.staticTensors(g);
    Map<String, long[]> shapes = new HashMap<>();
    Map<String, TensorProto> values = new HashMap<>();
    Map<String, OnnxTensor> used = new HashMap<>();
    for (ValueInfoProto in : g.getInputList()) {
      OnnxTensor t = feeds.get(in.getName());
      if (t != null) {
        used.put(in.getName(), t);
        shapes.put(in.getName(), t.getInfo().getShape());
      }
    }
    ModelProto probe = head.toBuilder().clearGraph().setGraph(pg).build();
    try (OrtSession s = env.createSession(probe.toByteArray(), options);
        OrtSession.Result r = s.run(used, outputs)) {
      for (Map.Entry<String, OnnxValue> e : r) {
        if (!(e.getValue() instanceof OnnxTensor t)) {
          continue;
        }
        shapes.put(e.getKey(), t.getInfo().getShape());
        if (statics.contains(e.getKey())) {
          TensorProto v = proto(e.getKey(), t);
          if (v != null) {
            values.put(e.getKey(), v);
          }
        }
      }
    }
    return new HeadShapes(shapes, values);
  }

  /**
   * A tensor's value as an initializer, or null for a type this does not read. ONNX Runtime hands
   * out any tensor's bytes in little-endian order, which is ONNX's {@code raw_data} layout (a bool
   * is one byte in both).
   */
  private static TensorProto proto(String name, OnnxTensor t) {
    TensorInfo info = t.getInfo();
    int type = switch (info.type) {
      case FLOAT -> TensorProto.DataType.FLOAT_VALUE;
      case DOUBLE -> TensorProto.DataType.DOUBLE_VALUE;
      case INT64 -> TensorProto.DataType.INT64_VALUE;
      case INT32 -> TensorProto.DataType.INT32_VALUE;
      case BOOL -> TensorProto.DataType.BOOL_VALUE;
      default -> -1;
    };
    if (type < 0) {
      return null;
    }
    TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(type);
    for (long d : info.getShape()) {
      b.addDims(d);
    }
    return b.setRawData(ByteString.copyFrom(t.getByteBuffer())).build();
  }
}
