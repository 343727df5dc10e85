package dev.sscam.model;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sscam.SscamException;
import dev.sscam.testing.HostileFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * Structure-aware companion of {@link ModelOpeningFuzzTest}: byte mutations of a protobuf rarely
 * survive parsing, so this target starts from a valid classifier ({@link
 * HostileFiles#tinyClassifier}) and applies up to eight graph edits chosen by the fuzzer (opset,
 * input and initializer dims, op types, rewired or dropped nodes, attributes, element types), then
 * opens the result with {@link OnnxClassifier#open}. Most edits give a graph that parses, so
 * ONNX Runtime itself is handed broken models; the only acceptable outcomes are an open classifier
 * or an {@link SscamException}, and never a native crash.
 */
class ModelGraphFuzzTest {
  private static final String[] OPS = {
    "Relu", "Conv", "Gemm", "MatMul", "Flatten", "GlobalAveragePool", "Reshape", "Softmax", "Add",
    "Concat", "Transpose", "MaxPool", "AveragePool", "Identity", "Squeeze", "Unsqueeze", "Split", "Gather"
  };

  @TempDir static Path dir;

  @FuzzTest(maxDuration = "10m")
  void openMutatedModel(FuzzedDataProvider data) throws IOException {
    ModelProto m = mutate(HostileFiles.tinyClassifier(13).build(), data);
    Path file = dir.resolve("model.onnx");
    Files.write(file, m.toByteArray());
    try (OnnxClassifier model = OnnxClassifier.open(file, 1, 1)) {
      if (model.numClasses() < 1) {
        throw new IllegalStateException("opened a model with " + model.numClasses() + " classes");
      }
    } catch (SscamException expected) {
      // a clear refusal is a correct outcome
    }
  }

  private static ModelProto mutate(ModelProto m, FuzzedDataProvider data) {
    ModelProto.Builder model = m.toBuilder();
    GraphProto.Builder g = model.getGraphBuilder();
    int edits = data.consumeInt(0, 8);
    for (int e = 0; e < edits && data.remainingBytes() > 0; e++) {
      switch (data.consumeInt(0, 8)) {
        case 0 -> model.setOpsetImport(0, OperatorSetIdProto.newBuilder().setDomain("").setVersion(data.consumeInt(1, 24)));
        case 1 -> {
          var shape = g.getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
          int axis = data.consumeInt(0, shape.getDimCount());
          if (axis == shape.getDimCount()) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(data.consumeLong(-2, 300)));
          } else {
            shape.setDim(axis, TensorShapeProto.Dimension.newBuilder().setDimValue(data.consumeLong(-2, 300)));
          }
        }
        case 2 -> {
          if (g.getNodeCount() > 0) {
            int n = data.consumeInt(0, g.getNodeCount() - 1);
            g.setNode(n, g.getNode(n).toBuilder().setOpType(data.pickValue(OPS)));
          }
        }
        case 3 -> {
          if (g.getNodeCount() > 0) {
            int n = data.consumeInt(0, g.getNodeCount() - 1);
            NodeProto.Builder node = g.getNode(n).toBuilder();
            List<String> names = tensorNames(g);
            if (node.getInputCount() > 0 && data.consumeBoolean()) {
              node.setInput(data.consumeInt(0, node.getInputCount() - 1), data.pickValue(names));
            } else {
              node.addInput(data.pickValue(names));
            }
            g.setNode(n, node);
          }
        }
        case 4 -> {
          if (g.getNodeCount() > 1) {
            g.removeNode(data.consumeInt(0, g.getNodeCount() - 1));
          }
        }
        case 5 -> {
          if (g.getInitializerCount() > 0) {
            int i = data.consumeInt(0, g.getInitializerCount() - 1);
            TensorProto.Builder t = g.getInitializer(i).toBuilder();
            if (t.getDimsCount() > 0) {
              t.setDims(data.consumeInt(0, t.getDimsCount() - 1), data.consumeLong(-1, 12));
            }
            g.setInitializer(i, t);
          }
        }
        case 6 -> {
          if (g.getNodeCount() > 0) {
            int n = data.consumeInt(0, g.getNodeCount() - 1);
            String name = data.pickValue(new String[] {"transB", "axis", "kernel_shape", "strides", "pads", "group", "perm"});
            AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
            if (data.consumeBoolean()) {
              a.setType(AttributeProto.AttributeType.INT).setI(data.consumeLong(-3, 5));
            } else {
              a.setType(AttributeProto.AttributeType.INTS);
              int k = data.consumeInt(0, 4);
              for (int j = 0; j < k; j++) {
                a.addInts(data.consumeLong(-3, 5));
              }
            }
            g.setNode(n, g.getNode(n).toBuilder().addAttribute(a));
          }
        }
        case 7 -> g.getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().setElemType(data.consumeInt(0, 17));
        default -> {
          if (g.getNodeCount() > 0) {
            int n = data.consumeInt(0, g.getNodeCount() - 1);
            NodeProto.Builder node = g.getNode(n).toBuilder();
            if (node.getOutputCount() > 0) {
              node.setOutput(0, data.pickValue(tensorNames(g)));
            }
            g.setNode(n, node);
          }
        }
      }
    }
    return model.build();
  }

  private static List<String> tensorNames(GraphProto.Builder g) {
    List<String> names = new ArrayList<>(List.of("input", "", "ghost"));
    g.getInitializerList().forEach(t -> names.add(t.getName()));
    g.getNodeList().forEach(n -> names.addAll(n.getOutputList()));
    return names;
  }
}
