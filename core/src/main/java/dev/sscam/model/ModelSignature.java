package dev.sscam.model;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.sscam.SscamException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What sscam needs of a classifier's graph: exactly one input, a float image {@code N×3×H×W},
 * and an output of float scores {@code N×C}, one per class. Each check that fails is one line
 * naming the model, what was found and what sscam needs.
 */
final class ModelSignature {
  private static final String NEEDS_INPUT = "sscam needs one float32 image input N×3×H×W";
  private static final String NEEDS_OUTPUT = "sscam needs a float output N×C with one score per class";

  private ModelSignature() {}

  /**
   * The image input: the card's {@code input_name} if given, else the graph's only input
   * (initializers listed as inputs do not count).
   */
  static String imageInput(GraphProto g, ModelCard card, Path path) {
    Set<String> initializers = new HashSet<>();
    g.getInitializerList().forEach(t -> initializers.add(t.getName()));
    List<ValueInfoProto> inputs = g.getInputList().stream().filter(i -> !initializers.contains(i.getName())).toList();
    if (card != null && card.inputName() != null) {
      ValueInfoProto named = inputs.stream().filter(i -> i.getName().equals(card.inputName())).findFirst()
          .orElseThrow(() -> new SscamException("model card names input '" + card.inputName()
              + "' but the model's inputs are " + inputs.stream().map(ValueInfoProto::getName).toList()));
      requireImage(named, path);
      return named.getName();
    }
    if (inputs.isEmpty()) {
      throw new SscamException("model " + path + " has no inputs; " + NEEDS_INPUT);
    }
    List<ValueInfoProto> images = inputs.stream().filter(ModelSignature::isImage).toList();
    if (images.size() > 1) {
      throw new SscamException("model " + path + " has " + images.size() + " image inputs (" + describe(images)
          + "); " + NEEDS_INPUT);
    }
    if (inputs.size() > 1) {
      throw new SscamException("model " + path + " has " + inputs.size() + " inputs (" + describe(inputs)
          + "); " + NEEDS_INPUT + " and no other input");
    }
    requireImage(inputs.get(0), path);
    return inputs.get(0).getName();
  }

  /** The output to score: the card's {@code output_name} if given, else the graph's first; checked as far as the graph declares it. */
  static String scoreOutput(GraphProto g, ModelCard card, Path path) {
    ValueInfoProto out;
    if (card.outputName() != null) {
      out = g.getOutputList().stream().filter(o -> o.getName().equals(card.outputName())).findFirst()
          .orElseThrow(() -> new SscamException("model card names output '" + card.outputName()
              + "' but the model's outputs are " + g.getOutputList().stream().map(ValueInfoProto::getName).toList()));
    } else if (g.getOutputCount() == 0) {
      throw new SscamException("model " + path + " has no outputs; " + NEEDS_OUTPUT);
    } else {
      out = g.getOutput(0);
    }
    TypeProto type = out.getType();
    if (type.getValueCase() == TypeProto.ValueCase.VALUE_NOT_SET) {
      return out.getName(); // no declared type: the probe run checks it
    }
    if (!type.hasTensorType()) {
      throw new SscamException("model " + path + "'s output '" + out.getName() + "' is not a tensor; " + NEEDS_OUTPUT);
    }
    int elem = type.getTensorType().getElemType();
    if (elem != TensorProto.DataType.FLOAT_VALUE && elem != TensorProto.DataType.UNDEFINED_VALUE) {
      throw new SscamException("model " + path + "'s output '" + out.getName() + "' is " + typeName(elem)
          + describeShape(out) + "; " + NEEDS_OUTPUT);
    }
    if (type.getTensorType().hasShape()) {
      requireScores(out.getName(), dims(type.getTensorType().getShape()), path);
    }
    return out.getName();
  }

  /**
   * Checks an output's shape ({@code -1} for an unknown dimension): rank 2 with more than one
   * column.
   */
  static void requireScores(String name, long[] shape, Path path) {
    if (shape.length != 2) {
      throw new SscamException("model " + path + "'s output '" + name + "' has rank " + shape.length + " "
          + text(shape) + "; " + NEEDS_OUTPUT);
    }
    if (shape[1] >= 0 && shape[1] < 2) {
      throw new SscamException("model " + path + "'s output '" + name + "' has " + shape[1] + " column "
          + text(shape) + ", not one score per class; " + NEEDS_OUTPUT + " (C ≥ 2)");
    }
  }

  private static void requireImage(ValueInfoProto v, Path path) {
    String what = "model " + path + "'s input '" + v.getName() + "'";
    if (!v.getType().hasTensorType()) {
      throw new SscamException(what + " is not a tensor; " + NEEDS_INPUT);
    }
    int elem = v.getType().getTensorType().getElemType();
    if (elem != TensorProto.DataType.FLOAT_VALUE) {
      throw new SscamException(what + " is " + typeName(elem) + describeShape(v) + "; " + NEEDS_INPUT);
    }
    int rank = v.getType().getTensorType().getShape().getDimCount();
    if (rank != 4) {
      throw new SscamException(what + " has rank " + rank + describeShape(v) + "; " + NEEDS_INPUT);
    }
  }

  private static boolean isImage(ValueInfoProto v) {
    return v.getType().hasTensorType()
        && v.getType().getTensorType().getElemType() == TensorProto.DataType.FLOAT_VALUE
        && v.getType().getTensorType().getShape().getDimCount() == 4;
  }

  private static String describe(List<ValueInfoProto> values) {
    return values.stream().map(v -> "'" + v.getName() + "' "
        + (v.getType().hasTensorType() ? typeName(v.getType().getTensorType().getElemType()) : "non-tensor")
        + describeShape(v)).collect(Collectors.joining(", "));
  }

  private static String describeShape(ValueInfoProto v) {
    return v.getType().hasTensorType() && v.getType().getTensorType().hasShape()
        ? " " + text(dims(v.getType().getTensorType().getShape())) : "";
  }

  private static long[] dims(TensorShapeProto shape) {
    return shape.getDimList().stream().mapToLong(d -> d.hasDimValue() ? d.getDimValue() : -1).toArray();
  }

  /** {@code [?, 3, 224, 224]} with {@code ?} for unknown dimensions. */
  static String text(long[] shape) {
    return java.util.Arrays.stream(shape).mapToObj(d -> d < 0 ? "?" : Long.toString(d))
        .collect(Collectors.joining("×", "[", "]"));
  }

  private static String typeName(int elem) {
    TensorProto.DataType t = TensorProto.DataType.forNumber(elem);
    return t == null ? "type " + elem : t.name().toLowerCase(Locale.ROOT);
  }
}
