package dev.sscam.onnx.gradient;

import static dev.sscam.onnx.gradient.VjpRuleFiniteDifferenceTest.c;
import static dev.sscam.onnx.gradient.VjpRuleFiniteDifferenceTest.s;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.sscam.onnx.OnnxGraphBuilder;
import dev.sscam.onnx.gradient.VjpRuleFiniteDifferenceTest.Case;
import dev.sscam.onnx.gradient.VjpRuleFiniteDifferenceTest.G;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Finite-difference checks of the rules for the ops that transformer and modern-CNN heads use
 * (ViT, DeiT, Swin, ConvNeXt, MobileNetV3, EfficientNetV2, RegNetY), in the forms PyTorch's
 * TorchScript exporter writes (opsets 11 to 17: decomposed LayerNorm and GELU, HardSwish, pre-13
 * Softmax) and the forms only newer exporters write (LayerNormalization at 18, Gelu at 20, Mish,
 * Split with num_outputs), each on a graph built here. The graphs, the readout and the check are
 * those of {@link VjpRuleFiniteDifferenceTest}: central differences of the original model run in
 * ONNX Runtime, relative error below 5e-3.
 *
 * <p>Piecewise ops (HardSwish, HardSigmoid) see A scaled by 4.5: A's "separated" values on 54
 * elements lie on a grid of spacing 2/54 whose midpoints include ±2/3 and ±5/9, so their kinks
 * (±3, and ±2.5 for HardSigmoid's ONNX defaults) fall halfway between two values, 2.5 steps away
 * from any evaluated point; every piece is visited and no difference straddles a kink.
 */
class TransformerVjpFiniteDifferenceTest {
  /** The scale that puts ±3 and ±2.5 halfway between A's grid values (54 elements). */
  static final float KINK_SCALE = 4.5f;

  static Stream<Arguments> cases() {
    List<Case> cases = new ArrayList<>();
    // --- LayerNorm, fused and decomposed
    cases.add(c("LayerNormalization opset 17 axis -1 with bias (tokens)", 17, s(2, 5, 6), 30, g -> {
      g.node("LayerNormalization", "y", "A", g.weight("gamma", 6), g.weight("beta", 6)).add();
      return "y";
    }));
    cases.add(c("LayerNormalization opset 18 axis 1 over two axes, no bias", 18, s(2, 3, 4), 12, g -> {
      g.node("LayerNormalization", "y", "A", g.weight("gamma", 3, 4)).attrInt("axis", 1)
          .attrFloat("epsilon", 1e-3f).add();
      return "y";
    }));
    cases.add(c("LayerNormalization opset 17, scale and bias depend on A", 17, s(2, 3, 5), 15, g -> {
      g.node("ReduceMean", "gamma", "A").attrInts("axes", 0, 1).attrInt("keepdims", 0).add();
      g.node("ReduceMax", "beta", "A").attrInts("axes", 0, 1).attrInt("keepdims", 0).add();
      g.node("LayerNormalization", "y", "A", "gamma", "beta").add();
      return "y";
    }));
    cases.add(c("LayerNormalization opset 17 channels-last (ConvNeXt LayerNorm2d)", 17, s(2, 3, 2, 2), 12, g -> {
      g.node("Transpose", "nhwc", "A").attrInts("perm", 0, 2, 3, 1).add();
      g.node("LayerNormalization", "ln", "nhwc", g.weight("gamma", 3), g.weight("beta", 3)).attrFloat("epsilon", 1e-6f)
          .add();
      g.node("Transpose", "y", "ln").attrInts("perm", 0, 3, 1, 2).add();
      return "y";
    }));
    cases.add(c("LayerNorm decomposed as exported at opset 14 (ReduceMean Sub Pow Sqrt Div)", 14, s(2, 5, 6), 30,
        g -> {
          g.node("ReduceMean", "mean", "A").attrInts("axes", -1).add();
          g.node("Sub", "centred", "A", "mean").add();
          g.node("Pow", "squared", "centred", g.scalar("two", 2f)).add();
          g.node("ReduceMean", "var", "squared").attrInts("axes", -1).add();
          g.node("Add", "var_eps", "var", g.scalar("eps", 1e-5f)).add();
          g.node("Sqrt", "std", "var_eps").add();
          g.node("Div", "normalised", "centred", "std").add();
          g.node("Mul", "scaled", "normalised", g.weight("gamma", 6)).add();
          g.node("Add", "y", "scaled", g.weight("beta", 6)).add();
          return "y";
        }));
    // --- Pow
    cases.add(c("Pow base and exponent both depend on A", 13, s(2, 3, 4), 12, g -> {
      g.node("Sigmoid", "base", "A").add();
      g.node("Mul", "exponent", "A", g.scalar("two", 2f)).add();
      g.node("Pow", "y", "base", "exponent").add();
      return "y";
    }));
    cases.add(c("Pow int64 exponent 3", 15, s(2, 3, 4), 12, g -> {
      g.b.initializer(OnnxGraphBuilder.int64Tensor("three", new long[] {3}));
      g.node("Pow", "y", "A", "three").add();
      return "y";
    }));
    // --- GELU, Erf
    cases.add(c("Erf", 13, s(2, 3, 4), 12, g -> {
      g.node("Erf", "y", scaled(g, 2f)).add();
      return "y";
    }));
    cases.add(c("GELU as exported at opset 17 (Div Erf Add Mul Mul)", 17, s(2, 3, 4), 12, g -> {
      String x = scaled(g, 3f);
      g.node("Div", "d", x, g.scalar("sqrt2", (float) Math.sqrt(2))).add();
      g.node("Erf", "e", "d").add();
      g.node("Add", "e1", "e", g.scalar("one", 1f)).add();
      g.node("Mul", "m", x, "e1").add();
      g.node("Mul", "y", "m", g.scalar("half", 0.5f)).add();
      return "y";
    }));
    cases.add(c("Gelu opset 20 approximate=none", 20, s(2, 3, 4), 12, g -> {
      g.node("Gelu", "y", scaled(g, 3f)).add();
      return "y";
    }));
    cases.add(c("Gelu opset 20 approximate=tanh", 20, s(2, 3, 4), 12, g -> {
      g.node("Gelu", "y", scaled(g, 3f)).attrString("approximate", "tanh").add();
      return "y";
    }));
    // --- MobileNetV3 / EfficientNet activations
    cases.add(c("HardSwish opset 14 across its kinks", 14, s(2, 3, 3, 3), 27, g -> {
      g.node("HardSwish", "y", scaled(g, KINK_SCALE)).add();
      return "y";
    }));
    cases.add(c("HardSigmoid alpha=1/6 (PyTorch) across its kinks", 13, s(2, 3, 3, 3), 27, g -> {
      g.node("HardSigmoid", "y", scaled(g, KINK_SCALE)).attrFloat("alpha", 1f / 6).attrFloat("beta", 0.5f).add();
      return "y";
    }));
    cases.add(c("HardSigmoid ONNX defaults across its kinks", 13, s(2, 3, 3, 3), 27, g -> {
      g.node("HardSigmoid", "y", scaled(g, KINK_SCALE)).add();
      return "y";
    }));
    cases.add(c("HardSwish as exported before opset 14 (x · HardSigmoid)", 13, s(2, 3, 3, 3), 27, g -> {
      String x = scaled(g, KINK_SCALE);
      g.node("HardSigmoid", "hs", x).attrFloat("alpha", 1f / 6).attrFloat("beta", 0.5f).add();
      g.node("Mul", "y", x, "hs").add();
      return "y";
    }));
    cases.add(c("SiLU as exported (x · Sigmoid)", 14, s(2, 3, 4), 12, g -> {
      String x = scaled(g, 3f);
      g.node("Sigmoid", "sg", x).add();
      g.node("Mul", "y", x, "sg").add();
      return "y";
    }));
    cases.add(c("Mish opset 18", 18, s(2, 3, 4), 12, g -> {
      g.node("Mish", "y", scaled(g, 3f)).add();
      return "y";
    }));
    cases.add(c("Softplus and Reciprocal", 13, s(2, 3, 4), 12, g -> {
      g.node("Softplus", "sp", scaled(g, 2f)).add();
      g.node("Add", "den", "sp", g.scalar("half", 0.5f)).add();
      g.node("Reciprocal", "y", "den").add();
      return "y";
    }));
    // --- attention
    cases.add(c("Softmax attention scores opset 13 axis -1", 13, s(2, 2, 3, 3), 18, g -> {
      g.node("Softmax", "y", scaled(g, 3f)).attrInt("axis", -1).add();
      return "y";
    }));
    cases.add(c("Softmax attention scores opset 11 axis -1", 11, s(2, 2, 3, 3), 18, g -> {
      g.node("Softmax", "y", scaled(g, 3f)).attrInt("axis", -1).add();
      return "y";
    }));
    cases.add(c("Softmax opset 11 axis 2 on 4-D (over the last two axes)", 11, s(2, 2, 3, 3), 18, g -> {
      g.node("Softmax", "y", scaled(g, 3f)).attrInt("axis", 2).add();
      return "y";
    }));
    cases.add(c("Softmax opset 13 axis 2 on 4-D (that axis only)", 13, s(2, 2, 3, 3), 18, g -> {
      g.node("Softmax", "y", scaled(g, 3f)).attrInt("axis", 2).add();
      return "y";
    }));
    cases.add(c("Where attention mask before Softmax", 13, s(2, 2, 3, 3), 18, g -> {
      g.b.initializer("keep", new float[] {1, 0, 0, 1, 1, 0, 1, 1, 1}, 3, 3);
      g.node("Greater", "mask", "keep", g.scalar("zero", 0f)).add();
      g.node("Where", "masked", "mask", scaled(g, 3f), g.scalar("minus_inf", -1e4f)).add();
      g.node("Softmax", "y", "masked").attrInt("axis", -1).add();
      return "y";
    }));
    cases.add(c("Batched MatMul Q·Kᵀ, Softmax, P·V (both operands depend on A)", 13, s(2, 2, 3, 4), 24, g -> {
      g.node("Transpose", "kt", "A").attrInts("perm", 0, 1, 3, 2).add();
      g.node("MatMul", "scores", "A", "kt").add();
      g.node("Softmax", "p", "scores").attrInt("axis", -1).add();
      g.node("MatMul", "y", "p", "A").add();
      return "y";
    }));
    cases.add(c("Batched MatMul broadcasting A's head axis", 13, s(2, 1, 3, 4), 18, g -> {
      g.node("Transpose", "at", "A").attrInts("perm", 0, 1, 3, 2).add();
      g.node("Mul", "heads", "at", g.weight("per_head", 1, 2, 1, 1)).add();
      g.node("MatMul", "y", "A", "heads").add();
      return "y";
    }));
    cases.add(c("MatMul 1-D operands (right, left, dot)", 13, s(2, 3, 4), 7, g -> {
      g.node("ReduceMean", "v4", "A").attrInts("axes", 0, 1).attrInt("keepdims", 0).add();
      g.node("ReduceMean", "v3", "A").attrInts("axes", 0, 2).attrInt("keepdims", 0).add();
      g.node("MatMul", "right", "A", "v4").add();
      g.node("MatMul", "left", "v3", "A").add();
      g.node("MatMul", "dot", "v4", "v4").add();
      g.node("Concat", "both", "right", "left").attrInt("axis", 1).add();
      g.node("Mul", "y", "both", "dot").add();
      return "y";
    }));
    // --- tokens
    cases.add(c("Gather class token (axis 1, scalar index)", 13, s(2, 5, 4), 4, g -> {
      g.b.initializer(OnnxGraphBuilder.int64Tensor("first", new long[] {0}));
      g.node("Gather", "y", "A", "first").attrInt("axis", 1).add();
      return "y";
    }));
    cases.add(c("Slice class token and patch tokens", 13, s(2, 5, 4), 20, g -> {
      g.node("Slice", "cls", "A", g.ints("s0", 0), g.ints("e0", 1), g.ints("ax", 1)).add();
      g.node("Slice", "patches", "A", g.ints("s1", 1), g.ints("e1", Long.MAX_VALUE), "ax").add();
      g.node("Mul", "cls2", "cls", g.scalar("two", 2f)).add();
      g.node("Concat", "y", "patches", "cls2").attrInt("axis", 1).add();
      return "y";
    }));
    cases.add(c("Concat prefix tokens (expanded class token, pooled token) + positions", 13, s(2, 4, 3), 18, g -> {
      g.node("Shape", "shape", "A").add();
      g.node("Slice", "batch", "shape", g.ints("s0", 0), g.ints("e0", 1)).add();
      g.node("Concat", "cls_shape", "batch", g.ints("rest", 1, 3)).attrInt("axis", 0).add();
      g.node("Expand", "cls", g.weight("class_token", 1, 1, 3), "cls_shape").add();
      g.node("ReduceMean", "pooled", "A").attrInts("axes", 1).add();
      g.node("Concat", "tokens", "cls", "pooled", "A").attrInt("axis", 1).add();
      g.node("Add", "y", "tokens", g.weight("positions", 1, 6, 3)).add();
      return "y";
    }));
    cases.add(c("Roll as exported (Slice + Concat) on two axes (Swin)", 13, s(2, 3, 3, 2), 18, g -> {
      g.node("Slice", "tail", "A", g.ints("m1", -1), g.ints("end", Long.MAX_VALUE), g.ints("ax1", 1)).add();
      g.node("Slice", "head", "A", g.ints("start", 0), "m1", "ax1").add();
      g.node("Concat", "rolled", "tail", "head").attrInt("axis", 1).add();
      g.node("Slice", "tail2", "rolled", g.ints("one", 1), "end", g.ints("ax2", 2)).add();
      g.node("Slice", "head2", "rolled", "start", "one", "ax2").add();
      g.node("Concat", "y", "tail2", "head2").attrInt("axis", 2).add();
      return "y";
    }));
    // --- reductions and splits
    cases.add(c("ReduceMax axes attribute keepdims=0", 13, s(2, 3, 4), 3, g -> {
      g.node("ReduceMax", "y", "A").attrInts("axes", 2).attrInt("keepdims", 0).add();
      return "y";
    }));
    cases.add(c("ReduceMax axes input opset 18", 18, s(2, 3, 4), 4, g -> {
      g.node("ReduceMax", "y", "A", g.ints("ax", 1)).add();
      return "y";
    }));
    cases.add(c("ReduceMax over [A, A]: each maximum ties with its copy, half each", 13, s(2, 3, 4), 4, g -> {
      g.node("Concat", "twice", "A", "A").attrInt("axis", 1).add();
      g.node("ReduceMax", "y", "twice").attrInts("axes", 1).attrInt("keepdims", 0).add();
      return "y";
    }));
    cases.add(c("ReduceMin two axes keepdims=0", 13, s(2, 3, 4), 1, g -> {
      g.node("ReduceMin", "y", "A").attrInts("axes", 1, 2).attrInt("keepdims", 0).add();
      return "y";
    }));
    cases.add(c("ReduceL2 axes input keepdims=0 opset 18", 18, s(2, 3, 4), 4, g -> {
      g.node("ReduceL2", "y", "A", g.ints("ax", 1)).attrInt("keepdims", 0).add();
      return "y";
    }));
    cases.add(c("F.normalize as exported at opset 14 (ReduceL2, Max clamp, Expand, Div)", 14, s(2, 3, 4), 12, g -> {
      g.node("ReduceL2", "norm", "A").attrInts("axes", -1).add();
      g.node("Max", "clamped", "norm", g.scalar("eps", 1e-12f)).add();
      g.node("Shape", "shape", "A").add();
      g.node("Expand", "den", "clamped", "shape").add();
      g.node("Div", "y", "A", "den").add();
      return "y";
    }));
    cases.add(c("Max variadic with broadcasting, all inputs depend on A", 13, s(2, 3, 4), 12, g -> {
      g.node("ReduceMean", "row_mean", "A").attrInts("axes", 2).add();
      g.node("Mul", "halved", "A", g.scalar("half", 0.5f)).add();
      g.node("Max", "y", "A", "row_mean", "halved", g.weight("floor", 4)).add();
      return "y";
    }));
    cases.add(c("Max(A, A): the tie is shared, half each, summing to dy", 13, s(2, 3, 4), 12, g -> {
      g.node("Max", "y", "A", "A").add();
      return "y";
    }));
    cases.add(c("Min with a constant (clamp_max)", 13, s(2, 3, 4), 12, g -> {
      g.node("Min", "y", "A", g.scalar("ceiling", 0.1f)).add();
      return "y";
    }));
    cases.add(c("Split opset 18 num_outputs", 18, s(2, 4, 3), 6, g -> {
      g.node("Split", "p0", "A").outputs("p1").attrInt("axis", 1).attrInt("num_outputs", 2).add();
      g.node("Mul", "y", "p0", "p1").add();
      return "y";
    }));
    cases.add(c("Dropout opset 14 training_mode, ratio 0, mask named but unused (Swin)", 14, s(2, 3, 2), 6, g -> {
      g.b.initializer(TensorProto.newBuilder().setName("training").setDataType(TensorProto.DataType.BOOL_VALUE)
          .addInt32Data(1).build());
      g.node("Dropout", "y", "A", g.scalar("ratio", 0f), "training").outputs("unused_mask").add();
      return "y";
    }));
    return cases.stream().map(Arguments::of);
  }

  /** A · k, so that a smooth activation sees a wider range than A's [-1, 1]. */
  static String scaled(G g, float k) {
    g.node("Mul", "A_scaled", "A", g.scalar("k", k)).add();
    return "A_scaled";
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void gradientMatchesCentralDifferences(Case c) throws Exception {
    VjpRuleFiniteDifferenceTest.assertMatchesCentralDifferences(c);
  }
}
