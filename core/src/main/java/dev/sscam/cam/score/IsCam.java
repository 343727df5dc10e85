package dev.sscam.cam.score;

import dev.sscam.cam.ActiveChannels;
import dev.sscam.cam.CamContext;
import dev.sscam.cam.CamMethod;
import dev.sscam.cam.ChannelWeights;
import dev.sscam.cam.MaskedInputs;
import dev.sscam.cam.ScoreDraws;

/**
 * IS-CAM, Integrated Score-CAM (Naidu et al. 2020), as torchcam's {@code ISCAM} computes it with its
 * default {@code num_samples = N = 10}: {@code α_k = (1/N) Σ_{i=1..N} [s_c(c_i · (X0 ∘ H_k)) − b]}
 * with {@code c_i = Σ_{j=1..i} j/N = i(i+1)/(2N)}. Those coefficients are torchcam's code ({@code
 * coeff += (sidx + 1) / num_samples}, accumulated over the loop, so they run 0.1, 0.3, 0.6 ... 5.5),
 * not its docstring's {@code Σ_{j=0}^{i−1} j/N}. {@code H_k}, {@code s_c}, {@code b} and the softmax
 * over channels follow the reading, as for Score-CAM (under {@code --preset torchcam}: {@code U(s(A_k))},
 * logits, softmax; torchcam's baseline is {@code z_c(X0)} rather than the zero image's, a constant
 * the softmax cancels).
 *
 * <p>The draws are a fixed ramp, not random samples, so fast mode's error estimate would not hold:
 * IS-CAM is always exact ({@code N} passes per non-constant channel).
 */
public final class IsCam implements CamMethod {
  /** torchcam's default {@code num_samples}. */
  static final int SAMPLES = 10;

  @Override
  public String id() {
    return "is-cam";
  }

  @Override
  public String title() {
    return "IS-CAM";
  }

  @Override
  public boolean weighsByScores() {
    return true;
  }

  /** {@code c_i} for {@code i = index + 1}. */
  static double coefficient(int index) {
    double i = index + 1;
    return i * (i + 1) / (2.0 * SAMPLES);
  }

  @Override
  public ChannelWeights weights(CamContext ctx) {
    int pixels = ctx.inputPixels();
    float[] x0 = ctx.input();
    int[] active = ActiveChannels.nonConstant(ctx);
    float[] mask = new float[pixels];
    float[] masked = new float[3 * pixels];
    int[] maskOf = {-1};
    ScoreDraws draws = new ScoreDraws(active, SAMPLES, (a, i, dst, off) -> {
      // Draws come channel by channel: the masked input is built once per channel.
      if (maskOf[0] != active[a]) {
        ctx.mask(active[a], mask);
        MaskedInputs.multiply(x0, mask, pixels, masked, 0);
        maskOf[0] = active[a];
      }
      float c = (float) coefficient(i);
      for (int q = 0; q < masked.length; q++) {
        dst[off + q] = c * masked[q];
      }
    }, null);
    return draws.exactWeights(ctx);
  }
}
