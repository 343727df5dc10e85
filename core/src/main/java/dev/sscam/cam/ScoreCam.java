package dev.sscam.cam;

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
    int[] active = ActiveChannels.nonConstant(ctx);
    int pixels = ctx.inputPixels();
    float[] x0 = ctx.input();
    float[] mask = new float[pixels];
    double[] scores = ctx.scoring().scores(active.length, (index, dst, off) -> {
      ctx.mask(active[index], mask);
      MaskedInputs.multiply(x0, mask, pixels, dst, off);
    }, ctx.classIndex(), ctx.options().score(), ctx.progress());
    double baseline = ctx.subtractedBaseline();
    float[] alpha = new float[ctx.channels()];
    for (int i = 0; i < active.length; i++) {
      alpha[active[i]] = (float) (scores[i] - baseline);
    }
    return new ChannelWeights(alpha, active.length + 1L);
  }
}
