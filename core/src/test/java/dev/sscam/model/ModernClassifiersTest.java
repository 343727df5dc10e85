package dev.sscam.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sscam.cam.CamOptions;
import dev.sscam.cam.Explainer;
import dev.sscam.cam.Methods;
import dev.sscam.cam.SaliencyMap;
import dev.sscam.io.Npy;
import dev.sscam.testing.Pearson;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Today's image classifiers in torchvision's layouts (small random-weight versions exported by
 * {@code tools/export_modern_fixtures.py}, committed under {@code src/test/resources/modern}): the
 * layer sscam picks and how it reads it, and Grad-CAM / Grad-CAM++ against PyTorch autograd with
 * pytorch-grad-cam's {@code reshape_transform}, saved by the same script.
 */
class ModernClassifiersTest {
  static Stream<String> models() {
    return Stream.of("vit_b16_layout", "vit_b16_layout_opset14", "deit_layout", "swin_t_layout", "convnext_layout",
        "mobilenet_v3_small", "efficientnet_v2_layout", "regnet_y_layout");
  }

  static Path resource(String name) {
    try {
      return Path.of(ModernClassifiersTest.class.getResource("/modern/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonNode expected(String model) throws IOException {
    return new ObjectMapper().readTree(resource(model + ".expected.json").toFile());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void theDefaultLayerAndItsReadingAreTheExpectedOnes(String model) throws IOException {
    JsonNode want = expected(model);
    try (OnnxClassifier m = OnnxClassifier.open(resource(model + ".onnx"), 8, 0)) {
      TargetLayer def = m.layers().defaultLayer();
      assertThat(def.answersTo(want.get("default_layer").asText())).as("default %s", def).isTrue();
      assertThat(def.reading().label()).isEqualTo(want.get("reading").asText());
      assertThat(new int[] {def.channels(), def.height(), def.width()})
          .containsExactly(want.get("channels").asInt(), want.get("height").asInt(), want.get("width").asInt());
      // never a 1x1 map, never a layer after the classifier's pooling
      assertThat(m.layers().all()).allSatisfy(l -> {
        if (l.index() > def.index()) {
          assertThat(l.reading() instanceof LayerReading.Tokens && !(def.reading() instanceof LayerReading.Tokens)).isFalse();
        }
      });
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void gradCamAndGradCamPlusPlusEqualAutograd(String model) throws IOException {
    JsonNode want = expected(model);
    float[] x = Npy.read(resource("input.npy")).data();
    try (OnnxClassifier m = OnnxClassifier.open(resource(model + ".onnx"), 8, 0)) {
      TargetLayer layer = m.layers().defaultLayer();
      float[] logits = m.logits(x, 1)[0];
      assertThat((double) logits[want.get("class").asInt()]).isCloseTo(want.get("logit").asDouble(),
          org.assertj.core.data.Offset.offset(1e-4 + 1e-4 * Math.abs(want.get("logit").asDouble())));
      float[] a = m.activations(x, 1, layer).values();
      for (String method : new String[] {"grad-cam", "grad-cam++"}) {
        float[] ref = Npy.read(resource(model + "." + method + ".npy")).data();
        SaliencyMap s = new Explainer(m).explain(x, Methods.byId(method), CamOptions.builder().build());
        assertThat(s.classIndex()).isEqualTo(want.get("class").asInt());
        // L = Σ_k α_k A_k before ReLU, from sscam's weights and its reading of A
        int size = layer.height() * layer.width();
        float[] sum = new float[size];
        for (int k = 0; k < layer.channels(); k++) {
          for (int p = 0; p < size; p++) {
            sum[p] += s.weights()[k] * a[k * size + p];
          }
        }
        assertThat(sum).hasSameSizeAs(ref);
        double r = Pearson.r(sum, ref);
        System.out.printf(java.util.Locale.ROOT, "%s %s at %s (%s): Pearson r %.6f against autograd%n", model, method,
            layer.name(), layer.reading().label(), r);
        assertThat(r).as("%s %s Pearson r against autograd", model, method).isGreaterThanOrEqualTo(0.9999);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void scoreCamAndSsCamGiveMaps(String model) {
    float[] x = Npy.read(resource("input.npy")).data();
    try (OnnxClassifier m = OnnxClassifier.open(resource(model + ".onnx"), 16, 0)) {
      for (String method : new String[] {"score-cam", "ss-cam-1", "ss-cam-2"}) {
        // σ = 0.1: with random weights the activations span a small range r, and the authors' noise
        // (std (σ/r)², r ≈ 0.05 here) at σ = 2 swamps every mask of MobileNetV3's head.
        SaliencyMap s = new Explainer(m).explain(x, Methods.byId(method), CamOptions.builder().samples(2).sigma(0.1).build());
        assertThat(s.allZero()).as("%s %s is zero everywhere", model, method).isFalse();
        System.out.printf(java.util.Locale.ROOT, "%s %s: %d passes, %.2f s%n", model, method, s.provenance().forwardPasses(),
            s.provenance().seconds());
        assertThat(s.provenance().layerReading()).isEqualTo(m.layers().defaultLayer().reading().label());
      }
    }
  }
}
