package dev.sscam.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sscam.io.Npy;
import dev.sscam.testing.FirstScenesTop1;
import dev.sscam.testing.SharedData;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Forward passes of the shared models against PyTorch's numbers and the model cards. */
class SharedModelsForwardTest {

  @ParameterizedTest
  @ValueSource(strings = {"squeezenet1_0", "resnet18h"})
  void logitsMatchPyTorchOnReferenceInputs(String name) throws Exception {
    Path model = SharedData.require("models/" + name + ".onnx");
    Path ref = SharedData.require("fixtures/reference/" + name);
    JsonNode timings = new ObjectMapper().readTree(ref.resolve("timings.json").toFile());
    try (OnnxClassifier m = OnnxClassifier.open(model)) {
      for (JsonNode run : timings.get("runs")) {
        float[] x = Npy.read(ref.resolve(run.get("image").asText() + ".input.npy")).data();
        float[] z = m.logits(x, 1)[0];
        JsonNode expected = run.get("logits");
        assertThat(z).hasSize(expected.size());
        for (int c = 0; c < z.length; c++) {
          assertThat((double) z[c]).as("%s %s logit %d", name, run.get("image").asText(), c)
              .isCloseTo(expected.get(c).asDouble(), within(1e-3));
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"squeezenet1_0", "resnet18h"})
  void accuracyOnFirst200ScenesMatchesTheModelCard(String name) throws Exception {
    Path model = SharedData.require("models/" + name + ".onnx");
    Path val = SharedData.require("benchmark/fashion-scenes/val");
    JsonNode card = new ObjectMapper().readTree(SharedData.require("models/" + name + ".json").toFile());
    try (OnnxClassifier m = OnnxClassifier.open(model, 32, 0)) {
      double accuracy = FirstScenesTop1.of(m, val, 200);
      assertThat(accuracy).isCloseTo(card.get("val_top1_first_200").asDouble(), within(0.01));
    }
  }
}
