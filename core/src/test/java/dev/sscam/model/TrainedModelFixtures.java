package dev.sscam.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Locale;

/**
 * A model the project trained and ships ({@code models/NAME.onnx}) against PyTorch's numbers for the
 * same weights ({@code models/NAME.pt}, saved by {@code tools/export_trained_fixture.py} under
 * {@code src/test/resources/NAME}: per image {@code I.input.npy}, {@code I.grad-cam.npy},
 * {@code I.grad-cam++.npy}, and {@code expected.json}) and against its model card. The checks
 * {@link TrainedVitTest} and {@link TrainedVggTest} share.
 */
final class TrainedModelFixtures {
  private TrainedModelFixtures() {}

  static Path model(String name) {
    return Path.of("../models/" + name + ".onnx");
  }

  static Path resource(String name, String file) {
    try {
      return Path.of(TrainedModelFixtures.class.getResource("/" + name + "/" + file).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonNode expected(String name) throws IOException {
    return new ObjectMapper().readTree(resource(name, "expected.json").toFile());
  }

  /** Every logit of every fixture image equals PyTorch's within 1e-4 (absolute plus relative). */
  static void assertLogitsEqualPyTorchs(String name) throws IOException {
    try (OnnxClassifier m = OnnxClassifier.open(model(name), 8, 0)) {
      int i = 0;
      for (JsonNode run : expected(name).get("runs")) {
        float[] z = m.logits(Npy.read(resource(name, i++ + ".input.npy")).data(), 1)[0];
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
   * Σ_k α_k A_k (before ReLU and normalisation) from sscam's weights and its reading of A at the
   * default layer, against PyTorch autograd's Grad-CAM and Grad-CAM++ (read as pytorch-grad-cam
   * reads the layer): equal up to float32 rounding, scale and sign included (Pearson alone would not
   * see a wrong scale or sign of α).
   */
  static void assertGradCamsEqualAutograd(String name) throws IOException {
    try (OnnxClassifier m = OnnxClassifier.open(model(name), 8, 0)) {
      TargetLayer layer = m.layers().defaultLayer();
      int size = layer.height() * layer.width();
      int i = 0;
      for (JsonNode run : expected(name).get("runs")) {
        float[] x = Npy.read(resource(name, i + ".input.npy")).data();
        float[] a = m.activations(x, 1, layer).values();
        for (String method : new String[] {"grad-cam", "grad-cam++"}) {
          float[] ref = Npy.read(resource(name, i + "." + method + ".npy")).data();
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
          System.out.printf(Locale.ROOT, "%s %s %s: Pearson r %.6f, max |diff| %.2e of max |L| %.3f%n", name,
              run.get("image").asText(), method, r, diff, largest);
          assertThat(r).isGreaterThanOrEqualTo(0.9999);
          assertThat(diff).isLessThan(1e-3 * largest);
        }
        i++;
      }
    }
  }

  /** Top-1 on the first 200 validation scenes equals the card's {@code val_top1_first_200} within 0.01. */
  static void assertFirst200Top1MatchesTheCard(String name) throws Exception {
    Path val = SharedData.require("benchmark/fashion-scenes/val");
    JsonNode card = new ObjectMapper().readTree(Path.of("../models/" + name + ".json").toFile());
    try (OnnxClassifier m = OnnxClassifier.open(model(name), 32, 0)) {
      double accuracy = FirstScenesTop1.of(m, val, 200);
      assertThat(accuracy).isCloseTo(card.get("val_top1_first_200").asDouble(), within(0.01));
    }
  }
}
