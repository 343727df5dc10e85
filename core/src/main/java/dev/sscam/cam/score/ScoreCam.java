package dev.sscam.cam.score;

import dev.sscam.cam.ActiveChannels;
import dev.sscam.cam.CamContext;
import dev.sscam.cam.CamMethod;
import dev.sscam.cam.ChannelWeights;
import dev.sscam.cam.MaskedInputs;
import dev.sscam.cam.ScoreDraws;

/**
 * Score-CAM (PAPER.md): {@code α_k = C_k = s_c(X0 ∘ H_k) − s_c(X_b)}, {@code H_k = s(U(A_k))}; under
 * {@code baseline=none} (the authors' code) {@code α_k = s_c(X0 ∘ H_k)}.
 *
 * <p>A constant channel has {@code H_k = 0}, so {@code X0 ∘ H_k = X_b}: {@code C_k = 0} without a
 * forward pass (the authors' code skips it too, with {@code α_k = 0}).
 */
public final class ScoreCam implements CamMethod {
  @Override
  public String id() {
    return "score-cam";
  }

  @Override
  public String title() {
    return "Score-CAM";
  }

  @Override
  public boolean weighsByScores() {
    return true;
  }

  @Override
  public ChannelWeights weights(CamContext ctx) {
    return draws(ctx).weights(ctx);
  }

  /** One draw per non-constant channel: {@code X0 ∘ H_k}. */
  static ScoreDraws draws(CamContext ctx) {
    int pixels = ctx.inputPixels();
    float[] x0 = ctx.input();
    int[] active = ActiveChannels.nonConstant(ctx);
    float[] mask = new float[pixels];
    return new ScoreDraws(active, 1, (a, i, dst, off) -> {
      ctx.mask(active[a], mask);
      MaskedInputs.multiply(x0, mask, pixels, dst, off);
    }, null);
  }
}
