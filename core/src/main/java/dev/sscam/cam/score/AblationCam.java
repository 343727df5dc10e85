package dev.sscam.cam.score;

import dev.sscam.cam.ActiveChannels;
import dev.sscam.cam.CamContext;
import dev.sscam.cam.CamMethod;
import dev.sscam.cam.ChannelWeights;
import dev.sscam.model.LayerReading;

/**
 * Ablation-CAM (Desai and Ramaswamy 2020): {@code α_k = (y_c − y_c^{A_k=0}) / y_c}, {@code y_c} the
 * logit of class c and {@code y_c^{A_k=0}} the logit with channel k of the target layer set to 0,
 * as pytorch-grad-cam's {@code AblationCAM} ({@code (original_scores − weights) / original_scores},
 * its targets the logits). Only the head (target layer → logits) runs on the ablated activations
 * ({@link dev.sscam.model.OnnxClassifier#headLogits}): the layers before it would recompute the
 * same {@code A} K times. pytorch-grad-cam reruns the whole model per channel.
 *
 * <p>Differences from pytorch-grad-cam, both the paper's reading: a channel is always set to 0
 * (pytorch-grad-cam sets it to {@code min(A) − 1e7} when the activations are not non-negative,
 * "deviating from the paper", its comment says); a channel already 0 everywhere gets {@code α_k = 0}
 * without a pass (ablating it changes nothing). Dividing by {@code y_c} rescales every weight alike,
 * so for {@code y_c > 0} the normalised map is that of {@code y_c − y_c^{A_k=0}}; for {@code y_c < 0}
 * it flips every sign, as in pytorch-grad-cam; at {@code y_c = 0} the weights are infinite and the
 * map is refused as non-finite.
 *
 * <p>Each head pass counts as one forward pass in provenance, so that {@code sscam bench}'s ratio (map
 * time over the same number of full passes) is the head's share of the network.
 */
public final class AblationCam implements CamMethod {
  @Override
  public String id() {
    return "ablation-cam";
  }

  @Override
  public String title() {
    return "Ablation-CAM";
  }

  @Override
  public ChannelWeights weights(CamContext ctx) {
    int[] active = ActiveChannels.nonZero(ctx);
    LayerReading reading = ctx.layer().reading();
    int h = ctx.layer().height();
    int w = ctx.layer().width();
    float[][] z = ctx.model().headLogits(ctx.input(), ctx.layer(), active.length, (variant, raw, off) -> {
      int k = active[variant];
      for (int i = 0; i < h; i++) {
        for (int j = 0; j < w; j++) {
          raw[off + reading.rawIndex(k, i, j)] = 0f;
        }
      }
    });
    int c = ctx.classIndex();
    double y = ctx.logits()[c];
    float[] alpha = new float[ctx.channels()];
    for (int a = 0; a < active.length; a++) {
      alpha[active[a]] = (float) ((y - z[a][c]) / y);
    }
    return new ChannelWeights(alpha, active.length);
  }
}
