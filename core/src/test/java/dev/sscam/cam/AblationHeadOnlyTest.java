package dev.sscam.cam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sscam.cam.score.AblationCam;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.sscam.io.Npy;
import dev.sscam.model.OnnxClassifier;
import dev.sscam.model.TargetLayer;
import dev.sscam.onnx.OnnxGraphBuilder;
import dev.sscam.onnx.OnnxModelFile;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Ablation-CAM's head-only weights against pytorch-grad-cam's route, the whole model rerun with
 * channel k of the target layer zeroed (here a Mul by a 0/1 mask spliced into the graph after the
 * layer), on today's layouts: token sequences with a class token (ViT), channels-last (Swin), and
 * NCHW with the head reading more than the layer (ConvNeXt, MobileNetV3).
 */
class AblationHeadOnlyTest {
  private static Path fixture(String name) throws Exception {
    return Path.of(AblationHeadOnlyTest.class.getResource("/modern/" + name).toURI());
  }

  /** The model with {@code layer}'s tensor multiplied by a mask that zeroes channel {@code k} on the grid. */
  private static ModelProto ablated(ModelProto model, TargetLayer layer, int k) {
    long[] raw = layer.rawShape();
    float[] mask = new float[layer.rawSize()];
    java.util.Arrays.fill(mask, 1f);
    for (int i = 0; i < layer.height(); i++) {
      for (int j = 0; j < layer.width(); j++) {
        mask[layer.reading().rawIndex(k, i, j)] = 0f;
      }
    }
    String t = layer.tensor();
    String out = t + "_ablated";
    GraphProto.Builder g = model.getGraph().toBuilder();
    for (int n = 0; n < g.getNodeCount(); n++) {
      NodeProto.Builder node = g.getNodeBuilder(n);
      for (int i = 0; i < node.getInputCount(); i++) {
        if (node.getInput(i).equals(t)) {
          node.setInput(i, out);
        }
      }
    }
    g.addInitializer(OnnxGraphBuilder.floatTensor("sscam_ablation_mask", mask, raw));
    int producer = 0;
    for (int n = 0; n < g.getNodeCount(); n++) {
      if (g.getNode(n).getOutputList().contains(t)) {
        producer = n;
      }
    }
    g.addNode(producer + 1, NodeProto.newBuilder().setOpType("Mul").setName("sscam_ablation").addInput(t)
        .addInput("sscam_ablation_mask").addOutput(out).build());
    return model.toBuilder().setGraph(g).build();
  }

  @ParameterizedTest
  @ValueSource(strings = {"vit_b16_layout", "swin_t_layout", "convnext_layout", "mobilenet_v3_small"})
  void headOnlyWeightsEqualThoseOfWholeModelReruns(String name) throws Exception {
    float[] x = Npy.read(fixture("input.npy")).data();
    try (OnnxClassifier m = OnnxClassifier.open(fixture(name + ".onnx"), 16, 1)) {
      OnnxModelFile file = m.file();
      float[] input = java.util.Arrays.copyOf(x, m.imageSize());
      SaliencyMap s = new Explainer(m).explain(input, new AblationCam(), CamOptions.builder().build());
      TargetLayer layer = m.layer(null);
      int c = s.classIndex();
      double y = s.logit();
      int channels = layer.channels();
      for (int k : new int[] {0, channels / 2, channels - 1}) {
        try (OnnxClassifier whole = OnnxClassifier.open(OnnxModelFile.of(ablated(file.proto(), layer, k), name + "-ablated.onnx"),
            m.card(), 1, 1)) {
          double yk = whole.logits(input, 1)[0][c];
          double want = (y - yk) / y;
          assertThat((double) s.weights()[k]).as("%s channel %d", name, k).isCloseTo(want, within(1e-4 * Math.max(1, Math.abs(want))));
        }
      }
    }
  }
}
