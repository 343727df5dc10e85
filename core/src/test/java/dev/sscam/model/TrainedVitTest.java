package dev.sscam.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sscam.cam.CamOptions;
import dev.sscam.cam.CamMethod;
import dev.sscam.cam.Explainer;
import dev.sscam.cam.Methods;
import dev.sscam.cam.SaliencyMap;
import dev.sscam.io.Npy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The project's trained FashionScenes ViT ({@code models/vit_t16s.onnx}, trained by
 * {@code tools/train_vit.py}) against PyTorch's numbers for the same weights
 * ({@code models/vit_t16s.pt}, saved by {@code tools/export_trained_fixture.py} under
 * {@code src/test/resources/vit_t16s}) and against its model card.
 */
class TrainedVitTest {
  static final Path MODEL = TrainedModelFixtures.model("vit_t16s");
  static final String LAYER = "encoder.layers.encoder_layer_5.ln_1";

  @Test
  void theDefaultLayerIsTheLastBlocksFirstNormReadAsClassTokenAndGrid() {
    try (OnnxClassifier m = OnnxClassifier.open(MODEL, 8, 0)) {
      TargetLayer def = m.layers().defaultLayer();
      assertThat(def.answersTo(LAYER)).as("default %s", def).isTrue();
      assertThat(def.reading().label()).isEqualTo("tokens 1+14x14");
      assertThat(new int[] {def.channels(), def.height(), def.width()}).containsExactly(96, 14, 14);
      assertThat(m.card().labels()).hasSize(10).contains("Ankle boot");
    }
  }

  @Test
  void logitsEqualPyTorchs() throws IOException {
    TrainedModelFixtures.assertLogitsEqualPyTorchs("vit_t16s");
  }

  /**
   * Σ_k α_k A_k (before ReLU and normalisation) from sscam's weights and its token reading of A,
   * against PyTorch autograd with pytorch-grad-cam's reshape_transform: equal up to float32
   * rounding, scale included (Pearson alone would not see a wrong scale or sign of α).
   */
  @Test
  void gradCamAndGradCamPlusPlusEqualAutograd() throws IOException {
    TrainedModelFixtures.assertGradCamsEqualAutograd("vit_t16s");
  }

  @Test
  void everyMethodGivesAMapAtTheTokenLayer() throws IOException {
    float[] x = Npy.read(TrainedModelFixtures.resource("vit_t16s", "0.input.npy")).data();
    try (OnnxClassifier m = OnnxClassifier.open(MODEL, 16, 0)) {
      // all: every method but CAM, which needs global pooling then a linear layer after the layer
      for (CamMethod method : Methods.parse(List.of("all"))) {
        SaliencyMap s = new Explainer(m).explain(x, method, CamOptions.builder().samples(2).build());
        assertThat(s.allZero()).as("%s is zero everywhere", method.id()).isFalse();
        assertThat(s.provenance().layerReading()).isEqualTo("tokens 1+14x14");
      }
    }
  }

  @Test
  void accuracyOnTheFirst200ScenesMatchesTheModelCard() throws Exception {
    TrainedModelFixtures.assertFirst200Top1MatchesTheCard("vit_t16s");
  }
}
