package dev.sscam.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sscam.SscamException;
import dev.sscam.cam.CamOptions;
import dev.sscam.cam.Explainer;
import dev.sscam.cam.Methods;
import dev.sscam.onnx.OnnxGraphBuilder;
import dev.sscam.onnx.OnnxModelFile;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** NaN or ±Inf anywhere in the model's numbers is an error naming the image, never a number or a map. */
class NonFiniteOutputTest {
  static final int S = 4;

  /**
   * x [N,3,4,4] → Conv 1×1 (3→2, weights {@code conv}) → {@code act} ("features") → GlobalAveragePool
   * → Flatten → Gemm (2→3) → logits.
   */
  static OnnxClassifier model(float[] conv, String act, String... head) {
    OnnxGraphBuilder b = new OnnxGraphBuilder("nonfinite").opset(13);
    b.input("input", -1, 3, S, S);
    b.initializer("conv.w", conv, 2, 3, 1, 1);
    b.initializer("fc.w", new float[] {1, 0, 0, 1, 1, -1}, 3, 2);
    b.node("Conv").name("/features/conv/Conv").inputs("input", "conv.w").outputs("c").add();
    b.node(act).name("/features/act/" + act).inputs("c").outputs("features").add();
    String x = "features";
    for (String op : head) {
      b.node(op).name("/head/" + op).inputs(x).outputs(x + "_" + op).add();
      x = x + "_" + op;
    }
    b.node("GlobalAveragePool").name("/pool/GlobalAveragePool").inputs(x).outputs("p").add();
    b.node("Flatten").name("/Flatten").inputs("p").outputs("flat").add();
    b.node("Gemm").name("/fc/Gemm").inputs("flat", "fc.w").outputs("logits").attrInt("transB", 1).add();
    b.output("logits");
    return OnnxClassifier.open(OnnxModelFile.of(b.build(), "nonfinite.onnx"), null, 4, 1);
  }

  static float[] image(float v) {
    float[] x = new float[3 * S * S];
    Arrays.fill(x, v);
    return x;
  }

  @Test
  void nanWeightsAreAnErrorNamingTheImageInTheBatch() {
    float[] conv = {1, 0, 0, 0, 1, Float.NaN};
    try (OnnxClassifier m = model(conv, "Relu")) {
      float[] two = new float[2 * 3 * S * S];
      assertThatThrownBy(() -> m.logits(two, 2)).isInstanceOf(NonFiniteOutputException.class)
          .hasMessage("the model's output for image 1 of 2 contains NaN (logits): check the model's weights");
      NonFiniteOutputException e = org.junit.jupiter.api.Assertions.assertThrows(NonFiniteOutputException.class,
          () -> NonFiniteOutputException.naming("cat.jpg", () -> new Explainer(m).explain(image(0.5f),
              Methods.byId("grad-cam"), CamOptions.builder().build())));
      assertThat(e).isInstanceOf(SscamException.class)
          .hasMessage("the model's output for cat.jpg contains NaN (logits): check the model's weights");
    }
  }

  /** Only the second image of the batch is broken: a NaN input. */
  @Test
  void theOffendingImageIsTheOneNamed() {
    try (OnnxClassifier m = model(new float[] {1, 0, 0, 0, 1, 0}, "Relu")) {
      float[] three = new float[3 * 3 * S * S];
      three[3 * S * S + 5] = Float.NaN;
      NonFiniteOutputException e = org.junit.jupiter.api.Assertions.assertThrows(NonFiniteOutputException.class,
          () -> m.logits(three, 3));
      assertThat(e.index()).isEqualTo(1);
      assertThat(e.forImage("b.png")).hasMessageStartingWith("the model's output for b.png contains NaN (logits)");
    }
  }

  /**
   * Exp overflows to +Inf at the layer (conv weight 100 on pixels of 10: exp(1000)) while Tanh
   * after it keeps the logits finite (tanh(+Inf) = 1).
   */
  @Test
  void infiniteActivationsAreAnErrorEvenWithFiniteLogits() {
    try (OnnxClassifier m = model(new float[] {100, 0, 0, 0, 0, 0}, "Exp", "Tanh")) {
      float[] x = image(10f);
      // Hand values: channel 0 = tanh(+Inf) = 1, channel 1 = tanh(exp(0)) = tanh 1; fc rows (1,0), (0,1), (1,−1).
      float t = (float) Math.tanh(1);
      assertThat(m.logits(x, 1)[0]).containsExactly(new float[] {1, t, 1 - t}, within(1e-6f));
      assertThatThrownBy(() -> m.activations(x, 1, m.layer("features")))
          .isInstanceOf(NonFiniteOutputException.class)
          .hasMessage("the model's output for the image contains +Inf (activations at features.act): check the model's weights");
    }
  }

  /**
   * Sqrt after a Relu: the forward pass is finite (sqrt 0 = 0) but d sqrt(a)/da = 1/(2 sqrt a) is
   * infinite where the Relu output is 0 (here the second channel, weight −1 on a positive image).
   */
  @Test
  void infiniteGradientsAreAnError() {
    try (OnnxClassifier m = model(new float[] {1, 1, 1, -1, -1, -1}, "Relu", "Sqrt")) {
      float[] x = image(0.5f);
      // Hand values: channel 0 = sqrt(1.5), channel 1 = sqrt(0); fc rows (1,0), (0,1), (1,−1).
      float r = (float) Math.sqrt(1.5);
      assertThat(m.logits(x, 1)[0]).containsExactly(new float[] {r, 0, r}, within(1e-5f));
      TargetLayer features = m.layer("features");
      assertThatThrownBy(() -> m.gradients(x, 1, features, new int[] {1}))
          .isInstanceOf(NonFiniteOutputException.class)
          .hasMessageMatching("the model's output for the image contains (NaN|[+-]Inf) \\(gradients at features.act\\):"
              + " check the model's weights");
      assertThatThrownBy(() -> new Explainer(m).explain(x, Methods.byId("grad-cam"),
          CamOptions.builder().layer("features").targetClass(1).build()))
          .isInstanceOf(NonFiniteOutputException.class).hasMessageContaining("(gradients at features.act)");
    }
  }
}
