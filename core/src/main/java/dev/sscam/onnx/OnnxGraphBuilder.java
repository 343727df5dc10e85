package dev.sscam.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A small fluent builder for ONNX models ({@link ModelProto}): graph inputs and outputs, float and
 * int64 initializers, nodes with attributes, and the default-domain opset.
 *
 * <p>Example: a 1x1 convolution followed by global average pooling and a flatten, batch dimension
 * dynamic:
 *
 * <pre>{@code
 * ModelProto m = new OnnxGraphBuilder("head").opset(13)
 *     .input("A", -1, 4, 7, 7)                       // -1: a named dynamic dimension
 *     .initializer("W", weights, 10, 4, 1, 1)
 *     .node("Conv").inputs("A", "W").outputs("y").attrInts("kernel_shape", 1, 1).add()
 *     .node("GlobalAveragePool").inputs("y").outputs("p").add()
 *     .node("Flatten").inputs("p").outputs("logits").add()
 *     .output("logits")
 *     .build();
 * }</pre>
 *
 * <p>Dimensions given as a negative number become symbolic ({@code dim_param}): "N" for the first
 * axis, "d1", "d2", ... for the others. Outputs declared without a shape are left to ONNX Runtime's
 * type and shape inference. The IR version is the lowest one that the chosen opset requires, so
 * that any ONNX Runtime able to run the opset loads the model.
 */
public final class OnnxGraphBuilder {
  private final GraphProto.Builder graph = GraphProto.newBuilder();
  private final Set<String> names = new HashSet<>();
  private int opset = 13;
  private long irVersion = -1;
  private int freshCounter;

  /** Starts an empty graph called {@code graphName}. */
  public OnnxGraphBuilder(String graphName) {
    graph.setName(graphName);
  }

  /** Sets the default-domain ({@code ai.onnx}) opset version; 13 unless set. */
  public OnnxGraphBuilder opset(int version) {
    this.opset = version;
    return this;
  }

  /** The default-domain opset version the model will declare. */
  public int opset() {
    return opset;
  }

  /** Overrides the IR version (otherwise the lowest one the opset requires). */
  public OnnxGraphBuilder irVersion(long version) {
    this.irVersion = version;
    return this;
  }

  /** Declares a float graph input with the given dimensions (negative = dynamic). */
  public OnnxGraphBuilder input(String name, long... dims) {
    return input(name, TensorProto.DataType.FLOAT, dims);
  }

  /** Declares a graph input of the given element type and dimensions (negative = dynamic). */
  public OnnxGraphBuilder input(String name, TensorProto.DataType type, long... dims) {
    graph.addInput(valueInfo(name, type.getNumber(), dims));
    names.add(name);
    return this;
  }

  /** Adds a ready-made graph input (e.g. copied from another model). */
  public OnnxGraphBuilder input(ValueInfoProto info) {
    graph.addInput(info);
    names.add(info.getName());
    return this;
  }

  /** Declares a graph input whose shape (even rank) is not stated. */
  public OnnxGraphBuilder inputOfUnknownShape(String name, TensorProto.DataType type) {
    graph.addInput(valueInfo(name, type.getNumber(), null));
    names.add(name);
    return this;
  }

  /** Declares a float graph output whose shape is left to inference. */
  public OnnxGraphBuilder output(String name) {
    return output(name, TensorProto.DataType.FLOAT);
  }

  /** Declares a graph output of the given element type; shape left to inference. */
  public OnnxGraphBuilder output(String name, TensorProto.DataType type) {
    graph.addOutput(valueInfo(name, type.getNumber(), null));
    return this;
  }

  /** Declares a float graph output with the given dimensions (negative = dynamic). */
  public OnnxGraphBuilder outputOfShape(String name, long... dims) {
    graph.addOutput(valueInfo(name, TensorProto.DataType.FLOAT_VALUE, dims));
    return this;
  }

  /** Adds a float initializer holding {@code values} (row-major) with shape {@code dims}. */
  public OnnxGraphBuilder initializer(String name, float[] values, long... dims) {
    return initializer(floatTensor(name, values, dims));
  }

  /** Adds an int64 initializer holding {@code values} (row-major) with shape {@code dims}. */
  public OnnxGraphBuilder initializer(String name, long[] values, long... dims) {
    return initializer(int64Tensor(name, values, dims));
  }

  /** Adds a ready-made initializer. */
  public OnnxGraphBuilder initializer(TensorProto tensor) {
    graph.addInitializer(tensor);
    names.add(tensor.getName());
    return this;
  }

  /** Starts a node of the default domain; finish it with {@link NodeBuilder#add()}. */
  public NodeBuilder node(String opType) {
    return new NodeBuilder(opType);
  }

  /** Appends a ready-made node (e.g. copied from another graph). */
  public OnnxGraphBuilder addNode(NodeProto node) {
    graph.addNode(node);
    names.addAll(node.getOutputList());
    if (!node.getName().isEmpty()) {
      names.add(node.getName());
    }
    return this;
  }

  /**
   * Appends a single-output node without attributes and returns the name of its (fresh) output:
   * {@code String y = b.apply("Relu", x);}.
   */
  public String apply(String opType, String... inputs) {
    String out = freshName(opType.toLowerCase());
    node(opType).inputs(inputs).outputs(out).add();
    return out;
  }

  /** Marks names as taken so that {@link #freshName} never returns them. */
  public OnnxGraphBuilder reserveNames(Iterable<String> taken) {
    for (String n : taken) {
      names.add(n);
    }
    return this;
  }

  /** A tensor/node name not used so far in this builder (nor reserved), starting with {@code hint}. */
  public String freshName(String hint) {
    String candidate = hint;
    while (candidate.isEmpty() || names.contains(candidate)) {
      candidate = hint + "_" + (freshCounter++);
    }
    names.add(candidate);
    return candidate;
  }

  /** Builds the model (producer "sscam"), with the default-domain opset set by {@link #opset}. */
  public ModelProto build() {
    long ir = irVersion > 0 ? irVersion : irVersionFor(opset);
    return ModelProto.newBuilder()
        .setIrVersion(ir)
        .setProducerName("sscam")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
        .setGraph(graph.build())
        .build();
  }

  /** The lowest ONNX IR version that supports a default-domain opset version. */
  public static long irVersionFor(int opset) {
    if (opset <= 8) {
      return 3; // IR 3 needs initializers listed as inputs; the builder uses opset 9+ in practice
    } else if (opset == 9) {
      return 4;
    } else if (opset == 10) {
      return 5;
    } else if (opset == 11) {
      return 6;
    } else if (opset <= 14) {
      return 7;
    } else if (opset <= 18) {
      return 8;
    } else if (opset <= 20) {
      return 9;
    } else if (opset <= 22) {
      return 10;
    }
    return 11;
  }

  /** A float tensor named {@code name} with shape {@code dims} holding {@code values} row-major. */
  public static TensorProto floatTensor(String name, float[] values, long... dims) {
    checkCount(name, values.length, dims);
    TensorProto.Builder t =
        TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
    for (long d : dims) {
      t.addDims(d);
    }
    for (float v : values) {
      t.addFloatData(v);
    }
    return t.build();
  }

  /** An int64 tensor named {@code name} with shape {@code dims} holding {@code values} row-major. */
  public static TensorProto int64Tensor(String name, long[] values, long... dims) {
    checkCount(name, values.length, dims);
    TensorProto.Builder t =
        TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE);
    for (long d : dims) {
      t.addDims(d);
    }
    for (long v : values) {
      t.addInt64Data(v);
    }
    return t.build();
  }

  private static void checkCount(String name, int count, long[] dims) {
    long expected = 1;
    for (long d : dims) {
      expected *= d;
    }
    if (expected != count) {
      throw new IllegalArgumentException(
          "tensor " + name + ": " + count + " values for shape " + Arrays.toString(dims));
    }
  }

  /** A tensor-typed value info; {@code dims == null} leaves the shape (even the rank) unstated. */
  public static ValueInfoProto valueInfo(String name, int elemType, long[] dims) {
    TypeProto.Tensor.Builder tensor = TypeProto.Tensor.newBuilder().setElemType(elemType);
    if (dims != null) {
      TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
      for (int i = 0; i < dims.length; i++) {
        TensorShapeProto.Dimension.Builder d = TensorShapeProto.Dimension.newBuilder();
        if (dims[i] < 0) {
          d.setDimParam(i == 0 ? "N" : "d" + i);
        } else {
          d.setDimValue(dims[i]);
        }
        shape.addDim(d);
      }
      tensor.setShape(shape);
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(TypeProto.newBuilder().setTensorType(tensor))
        .build();
  }

  /** Builds one node: op type, optional name, inputs, outputs and attributes. */
  public final class NodeBuilder {
    private final NodeProto.Builder node = NodeProto.newBuilder();

    private NodeBuilder(String opType) {
      node.setOpType(opType);
    }

    /** The node's name (optional in ONNX; error messages use it). */
    public NodeBuilder name(String name) {
      node.setName(name);
      return this;
    }

    /** Appends inputs; an empty string stands for an omitted optional input. */
    public NodeBuilder inputs(String... inputs) {
      node.addAllInput(Arrays.asList(inputs));
      return this;
    }

    /** Appends inputs from a list. */
    public NodeBuilder inputs(List<String> inputs) {
      node.addAllInput(inputs);
      return this;
    }

    /** Appends outputs. */
    public NodeBuilder outputs(String... outputs) {
      node.addAllOutput(Arrays.asList(outputs));
      return this;
    }

    /** An INT attribute. */
    public NodeBuilder attrInt(String name, long value) {
      node.addAttribute(
          AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value));
      return this;
    }

    /** An INTS attribute. */
    public NodeBuilder attrInts(String name, long... values) {
      AttributeProto.Builder a =
          AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
      for (long v : values) {
        a.addInts(v);
      }
      node.addAttribute(a);
      return this;
    }

    /** A FLOAT attribute. */
    public NodeBuilder attrFloat(String name, float value) {
      node.addAttribute(
          AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value));
      return this;
    }

    /** A FLOATS attribute. */
    public NodeBuilder attrFloats(String name, float... values) {
      AttributeProto.Builder a =
          AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOATS);
      for (float v : values) {
        a.addFloats(v);
      }
      node.addAttribute(a);
      return this;
    }

    /** A STRING attribute (UTF-8). */
    public NodeBuilder attrString(String name, String value) {
      node.addAttribute(
          AttributeProto.newBuilder()
              .setName(name)
              .setType(AttributeProto.AttributeType.STRING)
              .setS(com.google.protobuf.ByteString.copyFromUtf8(value)));
      return this;
    }

    /** A TENSOR attribute (e.g. Constant's {@code value}, ConstantOfShape's {@code value}). */
    public NodeBuilder attrTensor(String name, TensorProto value) {
      node.addAttribute(
          AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.TENSOR).setT(value));
      return this;
    }

    /** Adds a ready-made attribute (e.g. copied from another node). */
    public NodeBuilder attr(AttributeProto attribute) {
      node.addAttribute(attribute);
      return this;
    }

    /** Appends the node to the graph and returns the graph builder. */
    public OnnxGraphBuilder add() {
      return addNode(node.build());
    }
  }
}
