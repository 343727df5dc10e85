package dev.sscam.onnx.gradient;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.sscam.onnx.OnnxGraphBuilder;
import dev.sscam.onnx.gradient.GradientCheck.Result;
import dev.sscam.onnx.gradient.GradientCheck.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One finite-difference check per VJP rule (and per opset form of the op), each on a tiny graph
 * {@code A → op(s) → Flatten → Gemm (random readout) → z [N=2, 5]}. The reference numbers are
 * central differences of the original model run forward in ONNX Runtime, never the compiled graph.
 * Inputs are "separated" (distinct, away from 0) so that ReLU kinks and max ties are not crossed.
 */
class VjpRuleFiniteDifferenceTest {
  static final int CLASSES = 5;

  /** A test graph: the body maps A to a tensor with {@code features} values per sample. */
  record Case(String name, int opset, long[] aShape, long features, double h, Function<G, String> body) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** Builder plus seeded random weights for one case. */
  static final class G {
    final OnnxGraphBuilder b;
    final Random random = new Random(42);

    G(OnnxGraphBuilder b) {
      this.b = b;
    }

    /** A Gaussian initializer of the given shape (std 1/sqrt(fan-in-ish)). */
    String weight(String name, long... dims) {
      int n = GradientCheck.count(dims);
      float[] v = new float[n];
      double scale = 1.0 / Math.sqrt(Math.max(1, n / dims[0]));
      for (int i = 0; i < n; i++) {
        v[i] = (float) (random.nextGaussian() * scale);
      }
      b.initializer(name, v, dims);
      return name;
    }

    String ints(String name, long... values) {
      b.initializer(name, values, values.length);
      return name;
    }

    String scalar(String name, float value) {
      b.initializer(OnnxGraphBuilder.floatTensor(name, new float[] {value}));
      return name;
    }

    OnnxGraphBuilder.NodeBuilder node(String op, String out, String... inputs) {
      return b.node(op).name(op + "_" + out).inputs(inputs).outputs(out);
    }
  }

  static Case c(String name, int opset, long[] shape, long features, Function<G, String> body) {
    return new Case(name, opset, shape, features, 1e-2, body);
  }

  static long[] s(long... d) {
    return d;
  }

  static Stream<Arguments> cases() {
    List<Case> cases = new ArrayList<>();
    // --- convolutions
    cases.add(c("Conv pads=1 bias", 13, s(2, 3, 6, 6), 4 * 36, g -> {
      g.node("Conv", "y", "A", g.weight("W", 4, 3, 3, 3), g.weight("B", 4)).attrInts("pads", 1, 1, 1, 1).add();
      return "y";
    }));
    cases.add(c("Conv strides/asymmetric pads/dilations", 11, s(2, 3, 7, 8), 4 * 2 * 3, g -> {
      g.node("Conv", "y", "A", g.weight("W", 4, 3, 3, 2)).attrInts("strides", 2, 3)
          .attrInts("pads", 1, 0, 0, 2).attrInts("dilations", 2, 1).attrInts("kernel_shape", 3, 2).add();
      return "y";
    }));
    cases.add(c("Conv groups=2 stride 2", 9, s(2, 4, 5, 5), 6 * 9, g -> {
      g.node("Conv", "y", "A", g.weight("W", 6, 2, 3, 3)).attrInt("group", 2).attrInts("strides", 2, 2)
          .attrInts("pads", 1, 1, 1, 1).add();
      return "y";
    }));
    cases.add(c("Conv depthwise 1-D", 13, s(2, 3, 9), 3 * 4, g -> {
      g.node("Conv", "y", "A", g.weight("W", 3, 1, 3)).attrInt("group", 3).attrInts("strides", 2).add();
      return "y";
    }));
    cases.add(c("Conv auto_pad SAME_UPPER stride 2", 11, s(2, 3, 7, 6), 4 * 4 * 3, g -> {
      g.node("Conv", "y", "A", g.weight("W", 4, 3, 4, 3)).attrInts("strides", 2, 2)
          .attrString("auto_pad", "SAME_UPPER").add();
      return "y";
    }));
    cases.add(c("Conv auto_pad SAME_LOWER stride 3", 13, s(2, 2, 6, 5), 3 * 2 * 2, g -> {
      g.node("Conv", "y", "A", g.weight("W", 3, 2, 2, 3)).attrInts("strides", 3, 3)
          .attrString("auto_pad", "SAME_LOWER").add();
      return "y";
    }));
    cases.add(c("MaxPool auto_pad SAME_UPPER", 13, s(2, 2, 5, 5), 2 * 9, g -> {
      g.node("MaxPool", "y", "A").attrInts("kernel_shape", 3, 3).attrInts("strides", 2, 2)
          .attrString("auto_pad", "SAME_UPPER").add();
      return "y";
    }));
    cases.add(c("ConvTranspose stride 2 pads output_padding", 13, s(2, 3, 4, 4), 2 * 81, g -> {
      g.node("ConvTranspose", "y", "A", g.weight("W", 3, 2, 3, 3), g.weight("B", 2)).attrInts("strides", 2, 2)
          .attrInts("pads", 1, 1, 0, 0).attrInts("output_padding", 1, 1).add();
      return "y";
    }));
    cases.add(c("ConvTranspose groups dilations", 11, s(2, 4, 3, 3), 4 * 6 * 6, g -> {
      g.node("ConvTranspose", "y", "A", g.weight("W", 4, 2, 2, 2)).attrInt("group", 2)
          .attrInts("dilations", 2, 2).attrInts("strides", 2, 2).attrInts("pads", 0, 0, 1, 1).add();
      return "y";
    }));
    // --- pooling
    cases.add(c("MaxPool 3x3 s2 pads (overlap)", 13, s(2, 3, 7, 7), 3 * 16, g -> {
      g.node("MaxPool", "y", "A").attrInts("kernel_shape", 3, 3).attrInts("strides", 2, 2)
          .attrInts("pads", 1, 1, 1, 1).add();
      return "y";
    }));
    cases.add(c("MaxPool ceil_mode", 10, s(2, 2, 6, 6), 2 * 9, g -> {
      g.node("MaxPool", "y", "A").attrInts("kernel_shape", 3, 3).attrInts("strides", 2, 2)
          .attrInt("ceil_mode", 1).add();
      return "y";
    }));
    cases.add(c("MaxPool dilations stride 1", 11, s(2, 2, 7, 7), 2 * 25, g -> {
      g.node("MaxPool", "y", "A").attrInts("kernel_shape", 2, 2).attrInts("dilations", 2, 2).add();
      return "y";
    }));
    cases.add(c("MaxPool opset 9", 9, s(2, 2, 6, 6), 2 * 9, g -> {
      g.node("MaxPool", "y", "A").attrInts("kernel_shape", 2, 2).attrInts("strides", 2, 2).add();
      return "y";
    }));
    cases.add(c("AveragePool count_include_pad=0 pads", 13, s(2, 3, 7, 7), 3 * 16, g -> {
      g.node("AveragePool", "y", "A").attrInts("kernel_shape", 3, 3).attrInts("strides", 2, 2)
          .attrInts("pads", 1, 1, 1, 1).add();
      return "y";
    }));
    cases.add(c("AveragePool count_include_pad=1 pads ceil", 13, s(2, 2, 6, 6), 2 * 16, g -> {
      g.node("AveragePool", "y", "A").attrInts("kernel_shape", 3, 3).attrInts("strides", 2, 2)
          .attrInts("pads", 1, 1, 1, 1).attrInt("count_include_pad", 1).attrInt("ceil_mode", 1).add();
      return "y";
    }));
    cases.add(c("AveragePool ceil_mode no pads", 11, s(2, 2, 5, 5), 2 * 9, g -> {
      g.node("AveragePool", "y", "A").attrInts("kernel_shape", 2, 2).attrInts("strides", 2, 2)
          .attrInt("ceil_mode", 1).add();
      return "y";
    }));
    cases.add(c("AveragePool asymmetric pads count_include_pad=1", 9, s(2, 2, 5, 6), 2 * 2 * 3, g -> {
      g.node("AveragePool", "y", "A").attrInts("kernel_shape", 3, 2).attrInts("strides", 2, 2)
          .attrInts("pads", 0, 1, 1, 0).attrInt("count_include_pad", 1).add();
      return "y";
    }));
    cases.add(c("AveragePool 1x1 stride 1 (identity, VGG's adaptive 7x7)", 13, s(2, 2, 3, 4), 2 * 12, g -> {
      g.node("AveragePool", "y", "A").attrInts("kernel_shape", 1, 1).attrInts("strides", 1, 1).add();
      return "y";
    }));
    cases.add(c("AveragePool 1x1 stride 2 (not the identity)", 13, s(2, 2, 4, 4), 2 * 4, g -> {
      g.node("AveragePool", "y", "A").attrInts("kernel_shape", 1, 1).attrInts("strides", 2, 2).add();
      return "y";
    }));
    cases.add(c("GlobalAveragePool", 13, s(2, 3, 4, 5), 3, g -> {
      g.node("GlobalAveragePool", "y", "A").add();
      return "y";
    }));
    cases.add(c("GlobalMaxPool", 13, s(2, 3, 4, 5), 3, g -> {
      g.node("GlobalMaxPool", "y", "A").add();
      return "y";
    }));
    // --- reductions
    cases.add(c("ReduceMean axes attr keepdims=0", 13, s(2, 3, 4, 5), 3, g -> {
      g.node("ReduceMean", "y", "A").attrInts("axes", 2, 3).attrInt("keepdims", 0).add();
      return "y";
    }));
    cases.add(c("ReduceMean axes input opset 18", 18, s(2, 3, 4, 5), 12, g -> {
      g.node("ReduceMean", "y", "A", g.ints("ax", -1)).add();
      return "y";
    }));
    cases.add(c("ReduceSum axes input keepdims=0", 13, s(2, 3, 4, 5), 20, g -> {
      g.node("ReduceSum", "y", "A", g.ints("ax", 1)).attrInt("keepdims", 0).add();
      return "y";
    }));
    cases.add(c("ReduceSum axes attr opset 11", 11, s(2, 3, 4, 5), 4, g -> {
      g.node("ReduceSum", "y", "A").attrInts("axes", 1, 3).add();
      return "y";
    }));
    // --- linear algebra
    cases.add(c("Gemm transB alpha beta broadcast C", 13, s(2, 12), 4, g -> {
      g.node("Gemm", "y", "A", g.weight("W", 4, 12), g.weight("C", 4)).attrInt("transB", 1)
          .attrFloat("alpha", 0.7f).attrFloat("beta", 1.3f).add();
      return "y";
    }));
    cases.add(c("Gemm transA (A is [D, N])", 9, s(6, 2), 3, g -> {
      g.node("Gemm", "y", "A", g.weight("W", 6, 3), g.weight("C", 1, 3)).attrInt("transA", 1).add();
      return "y";
    }));
    cases.add(c("Gemm A·Aᵀ + A (gradient into A, B and C)", 13, s(3, 3), 3, g -> {
      g.node("Gemm", "y", "A", "A", "A").attrInt("transB", 1).attrFloat("alpha", 0.5f).attrFloat("beta", 2f).add();
      return "y";
    }));
    cases.add(c("MatMul by 2-D weights", 13, s(2, 3, 4), 15, g -> {
      g.node("MatMul", "y", "A", g.weight("W", 4, 5)).add();
      return "y";
    }));
    cases.add(c("MatMul batched broadcast", 13, s(2, 1, 3, 4), 18, g -> {
      g.node("MatMul", "y", "A", g.weight("W", 3, 4, 2)).add();
      return "y";
    }));
    cases.add(c("MatMul A on the right, broadcast", 13, s(2, 4, 3), 15, g -> {
      g.node("MatMul", "y", g.weight("W", 5, 4), "A").add();
      return "y";
    }));
    // --- broadcasting arithmetic
    cases.add(c("Add broadcast both sides active", 13, s(2, 3, 4, 4), 48, g -> {
      g.node("ReduceMean", "m", "A").attrInts("axes", 1).add();
      g.node("Add", "t", "A", "m").add();
      g.node("Add", "y", "t", g.weight("bias", 3, 1, 1)).add();
      return "y";
    }));
    cases.add(c("Sub broadcast", 13, s(2, 3, 4, 4), 48, g -> {
      g.node("ReduceMean", "m", "A").attrInts("axes", 2, 3).add();
      g.node("Sub", "y", "m", "A").add();
      return "y";
    }));
    cases.add(c("Mul broadcast both active", 13, s(2, 3, 4, 4), 48, g -> {
      g.node("ReduceMean", "m", "A").attrInts("axes", 1).add();
      g.node("Mul", "y", "A", "m").add();
      return "y";
    }));
    cases.add(c("Div broadcast both active", 13, s(2, 3, 4, 4), 48, g -> {
      g.node("ReduceMean", "m", "A").attrInts("axes", 1).add();
      g.node("Sigmoid", "sm", "m").add();
      g.node("Add", "den", "sm", g.scalar("half", 0.5f)).add();
      g.node("Div", "y", "A", "den").add();
      return "y";
    }));
    cases.add(c("Sum variadic with repeats", 13, s(2, 3, 2, 2), 12, g -> {
      g.node("Sum", "y", "A", "A", g.weight("bias", 3, 1, 1)).add();
      return "y";
    }));
    cases.add(c("Where", 13, s(2, 3, 2, 2), 12, g -> {
      g.node("Greater", "cond", g.weight("r", 3, 1, 2), g.scalar("zero", 0f)).add();
      g.node("Mul", "twice", "A", g.scalar("two", 2f)).add();
      g.node("Where", "y", "cond", "A", "twice").add();
      return "y";
    }));
    cases.add(c("Expand", 13, s(2, 1, 4), 12, g -> {
      g.node("Expand", "y", "A", g.ints("shape", 2, 3, 4)).add();
      return "y";
    }));
    // --- activations
    cases.add(c("Relu", 13, s(2, 3, 3, 3), 27, g -> {
      g.node("Relu", "y", "A").add();
      return "y";
    }));
    cases.add(c("LeakyRelu", 13, s(2, 3, 3, 3), 27, g -> {
      g.node("LeakyRelu", "y", "A").attrFloat("alpha", 0.2f).add();
      return "y";
    }));
    cases.add(c("Clip attributes opset 9", 9, s(2, 3, 3, 3), 27, g -> {
      g.node("Clip", "y", "A").attrFloat("min", 13f / 27 - 1).attrFloat("max", 40f / 27 - 1).add();
      return "y";
    }));
    cases.add(c("Clip inputs opset 13 (max only)", 13, s(2, 3, 3, 3), 27, g -> {
      g.node("Clip", "y", "A", "", g.scalar("hi", 35f / 27 - 1)).add();
      return "y";
    }));
    cases.add(c("Sigmoid", 13, s(2, 3, 3, 3), 27, g -> {
      g.node("Sigmoid", "y", "A").add();
      return "y";
    }));
    cases.add(c("Tanh", 13, s(2, 3, 3, 3), 27, g -> {
      g.node("Tanh", "y", "A").add();
      return "y";
    }));
    cases.add(c("Exp Log Sqrt Neg Abs", 13, s(2, 3, 3), 9, g -> {
      g.node("Exp", "e", "A").add();
      g.node("Log", "l", "e").add();
      g.node("Abs", "ab", "A").add();
      g.node("Sqrt", "sq", "e").add();
      g.node("Neg", "ng", "sq").add();
      g.node("Mul", "p", "l", "ab").add();
      g.node("Add", "y", "p", "ng").add();
      return "y";
    }));
    cases.add(c("Softmax opset 11 axis=1 on 4-D (flattens)", 11, s(2, 3, 2, 2), 12, g -> {
      g.node("Softmax", "y", "A").attrInt("axis", 1).add();
      return "y";
    }));
    cases.add(c("Softmax opset 13 axis=1", 13, s(2, 3, 2, 2), 12, g -> {
      g.node("Softmax", "y", "A").attrInt("axis", 1).add();
      return "y";
    }));
    cases.add(c("LogSoftmax opset 13", 13, s(2, 3, 4), 12, g -> {
      g.node("LogSoftmax", "y", "A").add();
      return "y";
    }));
    // --- shape movers
    cases.add(c("Reshape [0, -1]", 13, s(2, 3, 2, 2), 12, g -> {
      g.node("Reshape", "y", "A", g.ints("shape", 0, 4, -1)).add();
      return "y";
    }));
    cases.add(c("Squeeze/Unsqueeze attributes opset 11", 11, s(2, 3, 1, 4), 12, g -> {
      g.node("Squeeze", "sq", "A").attrInts("axes", 2).add();
      g.node("Unsqueeze", "y", "sq").attrInts("axes", 1).add();
      return "y";
    }));
    cases.add(c("Squeeze/Unsqueeze inputs opset 13", 13, s(2, 3, 1, 4), 12, g -> {
      g.node("Squeeze", "sq", "A", g.ints("ax", -2)).add();
      g.node("Unsqueeze", "y", "sq", g.ints("ax2", 1, -1)).add();
      return "y";
    }));
    cases.add(c("Transpose", 13, s(2, 3, 4, 2), 24, g -> {
      g.node("Transpose", "y", "A").attrInts("perm", 0, 2, 3, 1).add();
      return "y";
    }));
    cases.add(c("Concat with itself and a constant", 13, s(2, 3, 2, 2), 3 * 7 * 2, g -> {
      g.node("Sigmoid", "sg", "A").add();
      g.node("Concat", "y", "A", g.weight("k", 2, 3, 1, 2), "sg", "A").attrInt("axis", -2).add();
      return "y";
    }));
    cases.add(c("Split attribute opset 11, one output unused", 11, s(2, 3, 2, 2), 8, g -> {
      g.node("Split", "p0", "A").outputs("p1").attrInts("split", 1, 2).attrInt("axis", 1).add();
      g.node("Sigmoid", "y", "p1").add();
      return "y";
    }));
    cases.add(c("Split input opset 13", 13, s(2, 3, 2, 4), 24, g -> {
      g.node("Split", "p0", "A", g.ints("sizes", 1, 3)).outputs("p1").attrInt("axis", -1).add();
      g.node("Tanh", "t1", "p1").add();
      g.node("Concat", "y", "t1", "p0").attrInt("axis", -1).add();
      return "y";
    }));
    cases.add(c("Split equal parts opset 11 (num_outputs at 18)", 11, s(2, 4, 2), 4, g -> {
      g.node("Split", "p0", "A").outputs("p1").attrInt("axis", 1).add();
      g.node("Mul", "y", "p0", "p1").add();
      return "y";
    }));
    cases.add(c("Slice attributes opset 9", 9, s(2, 3, 5, 4), 3 * 4 * 3, g -> {
      g.node("Slice", "y", "A").attrInts("starts", 1, 1).attrInts("ends", 1000, -0 + 4).attrInts("axes", 2, 3)
          .add();
      return "y";
    }));
    cases.add(c("Slice negative steps, overflowing ends", 13, s(2, 3, 5, 4), 3 * 3 * 2, g -> {
      g.node("Slice", "y", "A", g.ints("st", -1, 0), g.ints("en", -1000, 1000), g.ints("ax", 2, -1),
          g.ints("sp", -2, 3)).add();
      return "y";
    }));
    cases.add(c("Gather float data, repeated indices", 13, s(2, 3, 4), 4 * 4, g -> {
      g.node("Gather", "y", "A", g.ints("idx", 0, 2, 2, -1)).attrInt("axis", 1).add();
      return "y";
    }));
    cases.add(c("Tile", 13, s(2, 2, 3), 2 * 2 * 6, g -> {
      g.node("Tile", "y", "A", g.ints("rep", 1, 2, 2)).add();
      return "y";
    }));
    cases.add(c("Pad constant attributes opset 9", 9, s(2, 2, 3, 3), 2 * 4 * 6, g -> {
      g.node("Pad", "y", "A").attrInts("pads", 0, 0, 1, 2, 0, 0, 0, 1).attrFloat("value", 0.5f).add();
      return "y";
    }));
    cases.add(c("Pad reflect inputs opset 13", 13, s(2, 2, 4, 4), 2 * 6 * 5, g -> {
      g.node("Pad", "y", "A", g.ints("pads", 0, 0, 1, 0, 0, 0, 1, 1)).attrString("mode", "reflect").add();
      return "y";
    }));
    cases.add(c("Pad constant value input with axes opset 18", 18, s(2, 2, 3, 3), 2 * 3 * 6, g -> {
      g.node("Pad", "y", "A", g.ints("pads", 2, 1), g.scalar("v", -0.25f), g.ints("axes", 3)).add();
      return "y";
    }));
    cases.add(c("BatchNormalization inference", 13, s(2, 3, 2, 2), 12, g -> {
      g.b.initializer("var", new float[] {0.5f, 1.7f, 0.2f}, 3);
      g.node("BatchNormalization", "y", "A", g.weight("scale", 3), g.weight("bias", 3), g.weight("mean", 3), "var")
          .attrFloat("epsilon", 1e-3f).add();
      return "y";
    }));
    cases.add(c("Dropout opset 9 and Identity", 9, s(2, 3, 2), 6, g -> {
      g.node("Dropout", "d", "A").attrFloat("ratio", 0.5f).add();
      g.node("Identity", "y", "d").add();
      return "y";
    }));
    cases.add(c("Dropout opset 12 ratio input", 12, s(2, 3, 2), 6, g -> {
      g.node("Dropout", "y", "A", g.scalar("ratio", 0.3f)).add();
      return "y";
    }));
    cases.add(c("Cast float to float", 13, s(2, 3, 2), 6, g -> {
      g.node("Cast", "y", "A").attrInt("to", TensorProto.DataType.FLOAT_VALUE).add();
      return "y";
    }));
    cases.add(c("Opset 21 model", 21, s(2, 3, 4, 4), 3 * 2, g -> {
      g.node("MaxPool", "m", "A").attrInts("kernel_shape", 2, 2).attrInts("strides", 2, 2).add();
      g.node("ReduceMean", "y", "m", g.ints("ax", 3)).attrInt("keepdims", 0).add();
      return "y";
    }));
    return cases.stream().map(Arguments::of);
  }

  static ModelProto model(Case c) {
    OnnxGraphBuilder b = new OnnxGraphBuilder("case").opset(c.opset()).input("A", c.aShape());
    G g = new G(b);
    String t = c.body().apply(g);
    b.node("Flatten").name("flatten").inputs(t).outputs("flat").add();
    b.node("Gemm").name("readout").inputs("flat", g.weight("readout_W", CLASSES, c.features()), g.weight("readout_b", CLASSES))
        .outputs("z").attrInt("transB", 1).add();
    return b.output("z").build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void gradientMatchesCentralDifferences(Case c) throws Exception {
    assertMatchesCentralDifferences(c);
  }

  /** The check shared with {@link TransformerVjpFiniteDifferenceTest}. */
  static void assertMatchesCentralDifferences(Case c) throws Exception {
    ModelProto m = model(c);
    int size = GradientCheck.count(c.aShape());
    Tensor a = new Tensor(GradientCheck.separated(size, 7), c.aShape());
    // separated values are 2/size apart (the grid's midpoints are the clip bounds): a step below
    // half the gap never crosses a kink or reorders a max
    double h = Math.min(c.h(), 0.4 / size);
    Result r = GradientCheck.check(m, "A", a, Map.of(), "z", h, 11);
    System.out.printf("FD %-55s opset %2d  max|fd| %.3e  max rel err %.2e%n", c.name(), c.opset(),
        r.maxAbsFd(), r.relativeError());
    assertThat(r.maxAbsFd()).isGreaterThan(1e-3);
    assertThat(r.relativeError()).isLessThan(5e-3);
  }
}
