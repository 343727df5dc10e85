package dev.sscam.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.GraphProto;
import dev.sscam.SscamException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The three readings on hand-laid tensors, the guessing rules, and the overrides' checks. */
class LayerReadingTest {
  @Test
  void tokensDropThePrefixAndLayThePatchesRowByRow() {
    // [T = 1 + 2x3, C = 2]: token t has channel values (10t, 10t + 1); token 0 is the class token.
    float[] raw = new float[7 * 2];
    for (int t = 0; t < 7; t++) {
      raw[2 * t] = 10 * t;
      raw[2 * t + 1] = 10 * t + 1;
    }
    LayerReading r = new LayerReading.Tokens(1, 2, 3, 2);
    // pytorch-grad-cam: x[:, 1:, :].reshape(1, 2, 3, 2).permute(0, 3, 1, 2)
    assertThat(r.toChannelsFirst(raw, 1)).containsExactly(
        10, 20, 30, 40, 50, 60,
        11, 21, 31, 41, 51, 61);
    assertThat(r.label()).isEqualTo("tokens 1+2x3");
    assertThat(r.rawSize()).isEqualTo(14);
  }

  @Test
  void channelsLastIsTransposedAndBatchesStayApart() {
    // two images of [h=1, w=2, C=3]: value = 100·image + 10·position + channel
    float[] raw = {0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112};
    assertThat(new LayerReading.ChannelsLast(1, 2, 3).toChannelsFirst(raw, 2))
        .containsExactly(0, 10, 1, 11, 2, 12, 100, 110, 101, 111, 102, 112);
    float[] same = {1, 2, 3, 4};
    assertThat(new LayerReading.ChannelsFirst(1, 2, 2).toChannelsFirst(same, 1)).containsExactly(1, 2, 3, 4);
  }

  @Test
  void largerReadingsThanOneTileAreTransposedWhole() {
    // DeiT-like: 2 prefix tokens, a 5x7 grid (35 positions, not a multiple of the 16-wide tiles),
    // 37 channels, 3 images: raw value of (image s, token t, channel k) = 10000s + 100t + k
    int prefix = 2;
    int positions = 35;
    int channels = 37;
    int tokens = prefix + positions;
    float[] raw = new float[3 * tokens * channels];
    for (int s = 0; s < 3; s++) {
      for (int t = 0; t < tokens; t++) {
        for (int k = 0; k < channels; k++) {
          raw[(s * tokens + t) * channels + k] = 10000 * s + 100 * t + k;
        }
      }
    }
    float[] out = new LayerReading.Tokens(prefix, 5, 7, channels).toChannelsFirst(raw, 3);
    assertThat(out).hasSize(3 * positions * channels);
    for (int s = 0; s < 3; s++) {
      for (int k = 0; k < channels; k++) {
        for (int p = 0; p < positions; p++) {
          assertThat(out[(s * channels + k) * positions + p]).isEqualTo(10000f * s + 100f * (p + prefix) + k);
        }
      }
    }
  }

  private static LayerReadingGuess guess(int h, int w) {
    return new LayerReadingGuess(new GraphIndex(GraphProto.getDefaultInstance()), h, w);
  }

  @Test
  void fourDimensionalMapsAreChannelsLastOnlyWhenTheShapeSaysSo() {
    LayerReadingGuess g = guess(224, 224);
    assertThat(g.rank4("t", new long[] {1, 7, 7, 768}).label()).isEqualTo("NHWC");      // Swin
    assertThat(g.rank4("t", new long[] {1, 256, 7, 7}).label()).isEqualTo("NCHW");      // ResNet
    assertThat(g.rank4("t", new long[] {1, 64, 56, 56}).label()).isEqualTo("NCHW");     // 64 vs 56: not one grid
    assertThat(g.rank4("t", new long[] {1, 1, 1, 192}).label()).isEqualTo("NHWC");      // ConvNeXt's classifier norm
    assertThat(g.rank4("t", new long[] {1, 14, 14, 14}).label()).as("ambiguous: NCHW unless the graph says").isEqualTo("NCHW");
    // a 224x320 input: a 7x10 grid keeps its aspect, 10x7 does not
    LayerReadingGuess wide = guess(224, 320);
    assertThat(wide.rank4("t", new long[] {1, 7, 10, 96}).label()).isEqualTo("NHWC");
    assertThat(wide.rank4("t", new long[] {1, 96, 7, 10}).label()).isEqualTo("NCHW");
  }

  @Test
  void tokenSequencesFitTheGraphsGridsWithTheFewestPrefixTokens() {
    LayerReadingGuess g = guess(224, 224);
    List<int[]> grids = List.of(new int[] {14, 14});
    assertThat(g.rank3(new long[] {1, 197, 96}, grids)).isEqualTo(new LayerReading.Tokens(1, 14, 14, 96));
    assertThat(g.rank3(new long[] {1, 198, 96}, grids)).isEqualTo(new LayerReading.Tokens(2, 14, 14, 96));
    assertThat(g.rank3(new long[] {1, 201, 96}, grids)).as("class + 4 registers").isEqualTo(new LayerReading.Tokens(5, 14, 14, 96));
    assertThat(g.rank3(new long[] {1, 49, 768}, grids)).as("a Swin stage, 14 halved").isEqualTo(new LayerReading.Tokens(0, 7, 7, 768));
    assertThat(g.rank3(new long[] {1, 96, 196}, grids)).as("channels before tokens").isNull();
    assertThat(g.rank3(new long[] {1, 32, 196}, grids)).as("16 prefix tokens on a 4x4 grid is no token sequence").isNull();
    assertThat(g.rank3(new long[] {1, 197, 1}, grids)).as("a LayerNorm statistic").isNull();
    // no 4-D layer at all: only a grid of exactly the input's aspect
    assertThat(g.rank3(new long[] {1, 197, 96}, List.of())).isEqualTo(new LayerReading.Tokens(1, 14, 14, 96));
    assertThat(g.rank3(new long[] {1, 91, 96}, List.of())).isNull();
  }

  @Test
  void overridesMustFitTheShape() {
    LayerReadingGuess g = guess(224, 224);
    List<int[]> grids = List.of(new int[] {14, 14});
    long[] vit = {1, 197, 96};
    assertThat(g.override("l", vit, LayerChoice.parse("l[grid=7x28]"), grids)).isEqualTo(new LayerReading.Tokens(1, 7, 28, 96));
    assertThat(g.override("l", vit, LayerChoice.parse("l[tokens=1]"), grids)).isEqualTo(new LayerReading.Tokens(1, 14, 14, 96));
    assertThat(g.override("l", vit, LayerChoice.parse("l[tokens=1,grid=14x14]"), grids)).isEqualTo(new LayerReading.Tokens(1, 14, 14, 96));
    assertThatThrownBy(() -> g.override("l", vit, LayerChoice.parse("l[tokens=2,grid=14x14]"), grids))
        .isInstanceOf(SscamException.class).hasMessageContaining("197 tokens");
    assertThatThrownBy(() -> g.override("l", vit, LayerChoice.parse("l[tokens=8]"), grids))
        .isInstanceOf(SscamException.class).hasMessageContaining("--grid");
    assertThatThrownBy(() -> g.override("l", vit, LayerChoice.parse("l[layout=nhwc]"), grids))
        .isInstanceOf(SscamException.class).hasMessageContaining("not 4-D");
    assertThat(g.override("l", new long[] {1, 7, 7, 768}, LayerChoice.parse("l[layout=nchw]"), grids))
        .isEqualTo(new LayerReading.ChannelsFirst(7, 7, 768));
  }

  @Test
  void layerChoicesParseAndRefuseNonsense() {
    LayerChoice c = LayerChoice.parse("blocks.11.norm1[tokens=1,grid=14x14]");
    assertThat(c.id()).isEqualTo("blocks.11.norm1");
    assertThat(c.tokens()).isEqualTo(1);
    assertThat(c.gridHeight()).isEqualTo(14);
    assertThat(c.toString()).isEqualTo("blocks.11.norm1[tokens=1,grid=14x14]");
    assertThat(LayerChoice.parse("[tokens=2]").id()).isNull();
    assertThat(LayerChoice.parse("/a/b/Conv_output_0").overridesReading()).isFalse();
    assertThat(LayerChoice.parse(LayerChoice.compose("x", null, null, "NHWC")).layout()).isEqualTo("nhwc");
    assertThat(LayerChoice.compose(null, null, null, null)).isNull();
    assertThatThrownBy(() -> LayerChoice.parse("x[layout=nhwc,tokens=1]")).hasMessageContaining("one or the other");
    assertThatThrownBy(() -> LayerChoice.parse("x[grid=14]")).hasMessageContaining("HxW");
    assertThatThrownBy(() -> LayerChoice.parse("x[tokens=-1]")).hasMessageContaining("0 or more");
    assertThatThrownBy(() -> LayerChoice.parse("x[colour=red]")).hasMessageContaining("unknown reading");
  }
}
