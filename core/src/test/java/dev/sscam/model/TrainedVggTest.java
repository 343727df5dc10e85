package dev.sscam.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sscam.cam.CamMethod;
import dev.sscam.cam.CamOptions;
import dev.sscam.cam.Explainer;
import dev.sscam.cam.Methods;
import dev.sscam.cam.SaliencyMap;
import dev.sscam.io.Npy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
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
  static final Path MODEL = TrainedModelFixtures.model("vgg16s");
  static final String LAYER = "features.29";

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
    TrainedModelFixtures.assertLogitsEqualPyTorchs("vgg16s");
  }

  /**
   * Σ_k α_k A_k (before ReLU and normalisation) from sscam's weights, against PyTorch autograd's
   * Grad-CAM and Grad-CAM++ on the same weights: equal up to float32 rounding, scale and sign
   * included (Pearson alone would not see a wrong scale or sign of α).
   */
  @Test
  void gradCamAndGradCamPlusPlusEqualAutograd() throws IOException {
    TrainedModelFixtures.assertGradCamsEqualAutograd("vgg16s");
  }

  @Test
  void everyMethodGivesAMap() throws IOException {
    float[] x = Npy.read(TrainedModelFixtures.resource("vgg16s", "0.input.npy")).data();
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
    TrainedModelFixtures.assertFirst200Top1MatchesTheCard("vgg16s");
  }
}
