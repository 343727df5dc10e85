package dev.sscam.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sscam.cam.CamMethod;
import dev.sscam.cam.CamOptions;
import dev.sscam.cam.Explainer;
import dev.sscam.cam.Methods;
import dev.sscam.cam.SaliencyMap;
import dev.sscam.io.Npy;
import dev.sscam.testing.FirstScenesTop1;
import dev.sscam.testing.Pearson;
import dev.sscam.testing.SharedData;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The project's trained FashionScenes VGG-16 stand-in ({@code models/vgg16s.onnx}, trained by
 * {@code tools/train_vgg16s.py}; the paper's third model) against PyTorch's numbers for the same
 * weights ({@code models/vgg16s.pt}, saved by {@code tools/export_trained_fixture.py} under
 * {@code src/test/resources/vgg16s}) and against its model card. Its head's gradient against central
 * differences is in {@code SharedModelsHeadGradientTest}, its {@code authors} reading against an
 * independent PyTorch transcription in {@code AuthorsParityTest}.
 */
class TrainedVggTest {
  static final Path MODEL = Path.of("../models/vgg16s.onnx");
  static final String LAYER = "features.29";

  static Path resource(String name) {
    try {
      return Path.of(TrainedVggTest.class.getResource("/vgg16s/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonNode expected() throws IOException {
    return new ObjectMapper().readTree(resource("expected.json").toFile());
  }

  @Test
  void theDefaultLayerIsThePapersFeatures29At14x14() {
    try (OnnxClassifier m = OnnxClassifier.open(MODEL, 8, 0)) {
      TargetLayer def = m.layers().defaultLayer();
      assertThat(def.answersTo(LAYER)).as("default %s", def).isTrue();
      assertThat(new int[] {def.channels(), def.height(), def.width()}).containsExactly(128, 14, 14);
      assertThat(m.card().labels()).hasSize(10).contains("Ankle boot");
      // the layers before the last pool are there to choose from, at their own resolutions
      assertThat(m.layer("features.22").height()).isEqualTo(28);
    }
  }

  @Test
  void logitsEqualPyTorchs() throws IOException {
    try (OnnxClassifier m = OnnxClassifier.open(MODEL, 8, 0)) {
      int i = 0;
      for (JsonNode run : expected().get("runs")) {
        float[] z = m.logits(Npy.read(resource(i++ + ".input.npy")).data(), 1)[0];
        JsonNode want = run.get("logits");
        assertThat(z).hasSize(want.size());
        for (int c = 0; c < z.length; c++) {
          assertThat((double) z[c]).as("%s logit %d", run.get("image").asText(), c)
              .isCloseTo(want.get(c).asDouble(), within(1e-4 + 1e-4 * Math.abs(want.get(c).asDouble())));
        }
      }
    }
  }

  /**
   * Σ_k α_k A_k (before ReLU and normalisation) from sscam's weights, against PyTorch autograd's
   * Grad-CAM and Grad-CAM++ on the same weights: equal up to float32 rounding, scale and sign
   * included (Pearson alone would not see a wrong scale or sign of α).
   */
  @Test
  void gradCamAndGradCamPlusPlusEqualAutograd() throws IOException {
    try (OnnxClassifier m = OnnxClassifier.open(MODEL, 8, 0)) {
      TargetLayer layer = m.layers().defaultLayer();
      int size = layer.height() * layer.width();
      int i = 0;
      for (JsonNode run : expected().get("runs")) {
        float[] x = Npy.read(resource(i + ".input.npy")).data();
        float[] a = m.activations(x, 1, layer).values();
        for (String method : new String[] {"grad-cam", "grad-cam++"}) {
          float[] ref = Npy.read(resource(i + "." + method + ".npy")).data();
          SaliencyMap s = new Explainer(m).explain(x, Methods.byId(method), CamOptions.builder().build());
          assertThat(s.classIndex()).isEqualTo(run.get("class").asInt());
          float[] sum = new float[size];
          for (int k = 0; k < layer.channels(); k++) {
            for (int p = 0; p < size; p++) {
              sum[p] += s.weights()[k] * a[k * size + p];
            }
          }
          assertThat(sum).hasSameSizeAs(ref);
          double largest = 0;
          double diff = 0;
          for (int p = 0; p < size; p++) {
            largest = Math.max(largest, Math.abs(ref[p]));
            diff = Math.max(diff, Math.abs(sum[p] - ref[p]));
          }
          double r = Pearson.r(sum, ref);
          System.out.printf(Locale.ROOT, "vgg16s %s %s: Pearson r %.6f, max |diff| %.2e of max |L| %.3f%n",
              run.get("image").asText(), method, r, diff, largest);
          assertThat(r).isGreaterThanOrEqualTo(0.9999);
          assertThat(diff).isLessThan(1e-3 * largest);
        }
        i++;
      }
    }
  }

  @Test
  void everyMethodGivesAMap() throws IOException {
    float[] x = Npy.read(resource("0.input.npy")).data();
    try (OnnxClassifier m = OnnxClassifier.open(MODEL, 16, 0)) {
      // all: every method but CAM, which needs global pooling then a linear layer after the layer
      for (CamMethod method : Methods.parse(List.of("all"))) {
        SaliencyMap s = new Explainer(m).explain(x, method, CamOptions.builder().samples(2).build());
        assertThat(s.allZero()).as("%s is zero everywhere", method.id()).isFalse();
      }
    }
  }

  @Test
  void accuracyOnTheFirst200ScenesMatchesTheModelCard() throws Exception {
    Path val = SharedData.require("benchmark/fashion-scenes/val");
    JsonNode card = new ObjectMapper().readTree(Path.of("../models/vgg16s.json").toFile());
    try (OnnxClassifier m = OnnxClassifier.open(MODEL, 32, 0)) {
      double accuracy = FirstScenesTop1.of(m, val, 200);
      assertThat(accuracy).isCloseTo(card.get("val_top1_first_200").asDouble(), within(0.01));
    }
  }
}
