package dev.sscam.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Models built with {@link OnnxGraphBuilder} load in ONNX Runtime and compute what they say. */
class OnnxGraphBuilderTest {

  @Test
  void builtModelRunsWithAnyBatchSizeAndComputesByHandValues() throws Exception {
    // y = Relu(x · Wᵀ + b) * 2, with W = [[1, 2], [-1, 0.5], [0, 1]], b = [0.5, 0, -3]
    ModelProto m = new OnnxGraphBuilder("tiny").opset(13)
        .input("x", -1, 2)
        .initializer("W", new float[] {1, 2, -1, 0.5f, 0, 1}, 3, 2)
        .initializer("b", new float[] {0.5f, 0, -3}, 3)
        .initializer("two", new float[] {2}, 1)
        .node("Gemm").name("fc").inputs("x", "W", "b").outputs("h").attrInt("transB", 1).add()
        .node("Relu").name("relu").inputs("h").outputs("r").add()
        .node("Mul").inputs("r", "two").outputs("y").add()
        .output("y")
        .build();
    assertThat(m.getOpsetImport(0).getVersion()).isEqualTo(13);
    assertThat(m.getIrVersion()).isEqualTo(7);
    assertThat(m.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam()).isEqualTo("N");
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    float[] x = {1, 1, 2, -4, 0, 0};
    try (OrtSession s = env.createSession(m.toByteArray(), new OrtSession.SessionOptions());
        OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {3, 2});
        OrtSession.Result r = s.run(Map.of("x", in))) {
      float[] y = new float[9];
      ((OnnxTensor) r.get("y").get()).getFloatBuffer().get(y);
      // row 1: h = [3.5, -0.5, -2] -> [7, 0, 0]; row 2: [-5.5, -4, -7] -> 0; row 3: [0.5, 0, -3] -> [1, 0, 0]
      assertThat(y).containsExactly(7, 0, 0, 0, 0, 0, 1, 0, 0);
    }
  }

  @Test
  void attributesOfEveryKindAndInt64Initializers() throws Exception {
    // Reshape by an int64 initializer, Transpose (ints), LeakyRelu (float), Pad (string mode),
    // ConstantOfShape (tensor)
    ModelProto m = new OnnxGraphBuilder("attrs").opset(18)
        .input("x", 2, 3)
        .initializer("shape", new long[] {3, 2}, 2)
        .initializer("pads", new long[] {0, 1, 0, 0}, 4)
        .initializer("cshape", new long[] {2}, 1)
        .node("Reshape").inputs("x", "shape").outputs("r").add()
        .node("Transpose").inputs("r").outputs("t").attrInts("perm", 1, 0).add()
        .node("LeakyRelu").inputs("t").outputs("l").attrFloat("alpha", 0.5f).add()
        .node("Pad").inputs("l", "pads").outputs("p").attrString("mode", "edge").add()
        .node("ConstantOfShape").inputs("cshape").outputs("c")
        .attrTensor("value", OnnxGraphBuilder.floatTensor("v", new float[] {7}, 1)).add()
        .output("p").output("c")
        .build();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    float[] x = {1, -2, 3, -4, 5, -6};
    try (OrtSession s = env.createSession(m.toByteArray(), new OrtSession.SessionOptions());
        OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {2, 3});
        OrtSession.Result r = s.run(Map.of("x", in))) {
      OnnxTensor p = (OnnxTensor) r.get("p").get();
      assertThat(p.getInfo().getShape()).containsExactly(2, 4);
      float[] pv = new float[8];
      p.getFloatBuffer().get(pv);
      // r = [[1,-2],[3,-4],[5,-6]], t = [[1,3,5],[-2,-4,-6]], leaky: [[1,3,5],[-1,-2,-3]], edge pad left
      assertThat(pv).containsExactly(1, 1, 3, 5, -1, -1, -2, -3);
      float[] cv = new float[2];
      ((OnnxTensor) r.get("c").get()).getFloatBuffer().get(cv);
      assertThat(cv).containsExactly(7, 7);
    }
  }

  @Test
  void freshNamesAvoidEverythingDeclaredOrReserved() {
    OnnxGraphBuilder b = new OnnxGraphBuilder("names").input("t").reserveNames(java.util.List.of("t_0"));
    b.node("Relu").inputs("t").outputs("t_1").add();
    String fresh = b.freshName("t");
    assertThat(fresh).isNotIn("t", "t_0", "t_1");
    assertThat(b.freshName("t")).isNotEqualTo(fresh);
    assertThat(b.apply("Relu", "t")).isNotIn("t", "t_0", "t_1", fresh);
  }

  @Test
  void valueCountMustMatchShape() {
    assertThatThrownBy(() -> OnnxGraphBuilder.floatTensor("w", new float[] {1, 2, 3}, 2, 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("w");
    TensorProto t = OnnxGraphBuilder.int64Tensor("s", new long[] {4});
    assertThat(t.getDimsCount()).isZero();
  }
}
