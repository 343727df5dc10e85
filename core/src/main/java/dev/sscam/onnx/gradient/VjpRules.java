package dev.sscam.onnx.gradient;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.Map;
import java.util.Set;

/**
 * The table of VJP rules keyed by op type (default domain), and the ops whose outputs carry no
 * gradient (shapes, indices, comparisons, piecewise-constant functions): the compiled graph just
 * recomputes those.
 */
final class VjpRules {
  private VjpRules() {}

  private static final Map<String, VjpRule> RULES = Map.ofEntries(
      Map.entry("Conv", new ConvVjp()),
      Map.entry("ConvTranspose", new ConvTransposeVjp()),
      Map.entry("MaxPool", new MaxPoolVjp()),
      Map.entry("AveragePool", new AveragePoolVjp()),
      Map.entry("GlobalAveragePool", new GlobalPoolVjp(false)),
      Map.entry("GlobalMaxPool", new GlobalPoolVjp(true)),
      Map.entry("ReduceSum", new ReduceVjp(false)),
      Map.entry("ReduceMean", new ReduceVjp(true)),
      Map.entry("ReduceMax", new ReduceExtremumVjp()),
      Map.entry("ReduceMin", new ReduceExtremumVjp()),
      Map.entry("ReduceL2", new ReduceL2Vjp()),
      Map.entry("Max", new ElementwiseExtremumVjp()),
      Map.entry("Min", new ElementwiseExtremumVjp()),
      Map.entry("Gemm", new GemmVjp()),
      Map.entry("MatMul", new MatMulVjp()),
      Map.entry("Add", new BroadcastArithmeticVjp("Add")),
      Map.entry("Sub", new BroadcastArithmeticVjp("Sub")),
      Map.entry("Mul", new BroadcastArithmeticVjp("Mul")),
      Map.entry("Div", new BroadcastArithmeticVjp("Div")),
      Map.entry("Sum", new BroadcastArithmeticVjp("Sum")),
      Map.entry("Where", new BroadcastArithmeticVjp("Where")),
      Map.entry("Expand", new BroadcastArithmeticVjp("Expand")),
      Map.entry("Relu", new ActivationVjp("Relu")),
      Map.entry("LeakyRelu", new ActivationVjp("LeakyRelu")),
      Map.entry("Clip", new ActivationVjp("Clip")),
      Map.entry("Sigmoid", new ActivationVjp("Sigmoid")),
      Map.entry("Tanh", new ActivationVjp("Tanh")),
      Map.entry("Exp", new ActivationVjp("Exp")),
      Map.entry("Log", new ActivationVjp("Log")),
      Map.entry("Sqrt", new ActivationVjp("Sqrt")),
      Map.entry("Neg", new ActivationVjp("Neg")),
      Map.entry("Abs", new ActivationVjp("Abs")),
      Map.entry("Reciprocal", new ActivationVjp("Reciprocal")),
      Map.entry("Softplus", new ActivationVjp("Softplus")),
      Map.entry("Erf", new ErfVjp()),
      Map.entry("Gelu", new GeluVjp()),
      Map.entry("HardSigmoid", new HardSigmoidVjp()),
      Map.entry("HardSwish", new HardSwishVjp()),
      Map.entry("Mish", new MishVjp()),
      Map.entry("Pow", new PowVjp()),
      Map.entry("LayerNormalization", new LayerNormalizationVjp()),
      Map.entry("Softmax", new SoftmaxVjp(false)),
      Map.entry("LogSoftmax", new SoftmaxVjp(true)),
      Map.entry("Flatten", new ShapeOnlyVjp(true)),
      Map.entry("Reshape", new ShapeOnlyVjp(true)),
      Map.entry("Squeeze", new ShapeOnlyVjp(true)),
      Map.entry("Unsqueeze", new ShapeOnlyVjp(true)),
      Map.entry("Identity", new ShapeOnlyVjp(false)),
      Map.entry("Dropout", new ShapeOnlyVjp(false)),
      Map.entry("Cast", new ShapeOnlyVjp(false)),
      Map.entry("Transpose", new TransposeVjp()),
      Map.entry("Concat", new ConcatVjp()),
      Map.entry("Split", new SplitVjp()),
      Map.entry("Slice", new ElementSelectionVjp()),
      Map.entry("Gather", new ElementSelectionVjp()),
      Map.entry("Tile", new ElementSelectionVjp()),
      Map.entry("Pad", new ElementSelectionVjp()),
      Map.entry("BatchNormalization", new BatchNormalizationVjp()));

  /** Ops whose outputs never carry a gradient (integer/bool results or zero derivative). */
  private static final Set<String> NO_GRADIENT = Set.of(
      "Shape", "Size", "NonZero", "ArgMax", "ArgMin", "Equal", "Greater", "GreaterOrEqual", "Less",
      "LessOrEqual", "Not", "And", "Or", "Xor", "IsNaN", "IsInf", "Sign", "Floor", "Ceil", "Round",
      "ConstantOfShape", "Range", "Constant", "EyeLike", "RandomNormalLike", "RandomUniformLike",
      "RandomNormal", "RandomUniform", "Multinomial", "OneHot");

  /** The rule for an op type, or null when there is none. */
  static VjpRule rule(String opType) {
    return RULES.get(opType);
  }

  /** Whether output {@code index} of {@code node} carries a gradient when one of its inputs does. */
  static boolean differentiableOutput(NodeProto node, int index) {
    String op = node.getOpType();
    if (NO_GRADIENT.contains(op)) {
      return false;
    }
    if ((op.equals("MaxPool") || op.equals("Dropout") || op.equals("TopK")) && index > 0) {
      return false;
    }
    if (op.equals("Cast")) {
      long to = NodeAttributes.getInt(node, "to", 0);
      // float -> float-like keeps the gradient (the rule casts it back); -> integer/bool drops it
      return to == TensorProto.DataType.FLOAT_VALUE || to == TensorProto.DataType.DOUBLE_VALUE
          || to == TensorProto.DataType.FLOAT16_VALUE || to == TensorProto.DataType.BFLOAT16_VALUE;
    }
    return true;
  }
}
