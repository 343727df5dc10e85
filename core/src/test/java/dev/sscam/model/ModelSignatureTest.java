package dev.sscam.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.sscam.SscamException;
import dev.sscam.onnx.OnnxGraphBuilder;
import dev.sscam.onnx.OnnxModelFile;
import org.junit.jupiter.api.Test;

/** Models sscam cannot explain are refused in one line naming what was found and what sscam needs. */
class ModelSignatureTest {
  private static final String NEEDS_INPUT = "sscam needs one float32 image input N×3×H×W";
  private static final String NEEDS_OUTPUT = "sscam needs a float output N×C with one score per class";

  private static OnnxClassifier open(OnnxGraphBuilder b) {
    return OnnxClassifier.open(OnnxModelFile.of(b.build(), "m.onnx"), null, 2, 1);
  }

  /** input → Conv 1×1 (3→2) named "c" (no pooling: a 4-D tensor). */
  private static OnnxGraphBuilder conv(OnnxGraphBuilder b, String input) {
    b.initializer("w", new float[] {1, 0, 0, 0, 1, 0}, 2, 3, 1, 1);
    b.node("Conv").name("/conv/Conv").inputs(input, "w").outputs("c").add();
    return b;
  }

  /** input → Conv → GlobalAveragePool → Flatten "flat" [N, 2]. */
  private static OnnxGraphBuilder pooled(OnnxGraphBuilder b, String input) {
    conv(b, input);
    b.node("GlobalAveragePool").name("/pool").inputs("c").outputs("p").add();
    b.node("Flatten").name("/flatten").inputs("p").outputs("flat").add();
    return b;
  }

  @Test
  void twoImageInputs() {
    OnnxGraphBuilder b = new OnnxGraphBuilder("two").input("a", -1, 3, 8, 8).input("b", -1, 3, 8, 8);
    b.node("Add").name("/add").inputs("a", "b").outputs("ab").add();
    pooled(b, "ab").output("flat");
    assertThatThrownBy(() -> open(b)).isInstanceOf(SscamException.class)
        .hasMessage("model m.onnx has 2 image inputs ('a' float [?×3×8×8], 'b' float [?×3×8×8]); " + NEEDS_INPUT);
  }

  @Test
  void anImageAndAnotherInput() {
    OnnxGraphBuilder b = new OnnxGraphBuilder("extra").input("x", -1, 3, 8, 8).input("scale", 1);
    b.node("Mul").name("/mul").inputs("x", "scale").outputs("xs").add();
    pooled(b, "xs").output("flat");
    assertThatThrownBy(() -> open(b)).isInstanceOf(SscamException.class)
        .hasMessage("model m.onnx has 2 inputs ('x' float [?×3×8×8], 'scale' float [1]); " + NEEDS_INPUT
            + " and no other input");
  }

  @Test
  void nonFloatInput() {
    OnnxGraphBuilder b = new OnnxGraphBuilder("u8").input("x", DataType.UINT8, 1, 3, 8, 8);
    b.node("Cast").name("/cast").inputs("x").outputs("xf").attrInt("to", DataType.FLOAT_VALUE).add();
    pooled(b, "xf").output("flat");
    assertThatThrownBy(() -> open(b)).isInstanceOf(SscamException.class)
        .hasMessage("model m.onnx's input 'x' is uint8 [1×3×8×8]; " + NEEDS_INPUT);
  }

  @Test
  void rankThreeInput() {
    OnnxGraphBuilder b = new OnnxGraphBuilder("chw").input("x", 3, 8, 8);
    b.node("Unsqueeze").name("/unsq").inputs("x", "zero").outputs("x4").add();
    b.initializer("zero", new long[] {0}, 1);
    pooled(b, "x4").output("flat");
    assertThatThrownBy(() -> open(b)).isInstanceOf(SscamException.class)
        .hasMessage("model m.onnx's input 'x' has rank 3 [3×8×8]; " + NEEDS_INPUT);
  }

  @Test
  void fourDimensionalOutput() {
    OnnxGraphBuilder b = new OnnxGraphBuilder("seg").input("x", -1, 3, 8, 8);
    conv(b, "x").output("c");
    assertThatThrownBy(() -> open(b)).isInstanceOf(SscamException.class)
        .hasMessage("model m.onnx's output 'c' has rank 4 [?×2×8×8]; " + NEEDS_OUTPUT);
  }

  @Test
  void oneColumnIsNotPerClass() {
    OnnxGraphBuilder b = new OnnxGraphBuilder("score").input("x", -1, 3, 8, 8);
    pooled(b, "x");
    b.initializer("fc", new float[] {1, -1}, 1, 2);
    b.node("Gemm").name("/fc").inputs("flat", "fc").outputs("z").attrInt("transB", 1).add();
    b.output("z");
    assertThatThrownBy(() -> open(b)).isInstanceOf(SscamException.class)
        .hasMessage("model m.onnx's output 'z' has 1 column [?×1], not one score per class; " + NEEDS_OUTPUT + " (C ≥ 2)");
  }

  @Test
  void integerOutput() {
    OnnxGraphBuilder c = new OnnxGraphBuilder("argmax").input("x", -1, 3, 8, 8);
    pooled(c, "x");
    c.node("ArgMax").name("/argmax").inputs("flat").outputs("label").attrInt("axis", 1).add();
    c.output("label", DataType.INT64);
    assertThatThrownBy(() -> open(c)).isInstanceOf(SscamException.class)
        .hasMessageStartingWith("model m.onnx's output 'label' is int64").hasMessageEndingWith(NEEDS_OUTPUT);
  }

  /**
   * Reshape to a shape computed from Shape(x) at run time: ORT cannot infer the output's rank, so
   * the probe run decides: [N, 2·8·8] is 128 classes, [N, 2, 64] is refused.
   */
  @Test
  void outputOfUnknownRankIsJudgedByTheProbeRun() {
    try (OnnxClassifier m = open(dynamicReshape(new long[] {-1}))) {
      assertThat(m.numClasses()).isEqualTo(128);
    }
    assertThatThrownBy(() -> open(dynamicReshape(new long[] {2, -1}))).isInstanceOf(SscamException.class)
        .hasMessage("model m.onnx's output 'z' has rank 3 [1×2×64]; " + NEEDS_OUTPUT);
  }

  private static OnnxGraphBuilder dynamicReshape(long[] tail) {
    OnnxGraphBuilder b = new OnnxGraphBuilder("flatten").input("x", -1, 3, 8, 8);
    conv(b, "x");
    b.initializer("i0", new long[] {0}, 1);
    b.initializer("tail", tail, tail.length);
    b.node("Shape").name("/shape").inputs("c").outputs("s").add();
    b.node("Gather").name("/gather").inputs("s", "i0").outputs("n").attrInt("axis", 0).add();
    b.node("Concat").name("/concat").inputs("n", "tail").outputs("shape").attrInt("axis", 0).add();
    b.node("Reshape").name("/reshape").inputs("c", "shape").outputs("z").add();
    b.output("z");
    return b;
  }
}
