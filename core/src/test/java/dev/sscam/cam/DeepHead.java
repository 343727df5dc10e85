package dev.sscam.cam;

import dev.sscam.model.OnnxClassifier;
import dev.sscam.onnx.OnnxGraphBuilder;
import dev.sscam.onnx.OnnxModelFile;
import java.util.Random;

/**
 * A classifier whose head is deep enough to tell the gradient methods apart, with its head computed
 * by hand here, independently of ONNX Runtime:
 *
 * <pre>
 * x [N,3,8,8] → Conv 1×1 (3→4, {@link TestModels#convWeights}, no ReLU) = A ("features", signed)
 * x → Conv 1×1 (3→5, seeded) = S ("skip", a side input of the head: it does not depend on A)
 * head: Conv 3×3 pad 1 (4→5, seeded, bias) on A, + S → Relu → GlobalAveragePool → Flatten → Gemm(transB) → logits
 * </pre>
 *
 * The ReLU after a spatial convolution makes {@code ∂z_c/∂A} vary over positions (unlike a GAP →
 * linear head) and A is signed, so LayerCAM, HiResCAM, Grad-CAM element-wise, XGrad-CAM and Grad-CAM
 * all differ.
 */
final class DeepHead {
  static final int SIZE = 8;
  static final int K = 4;
  static final int MID = 5;
  static final int C = 3;
  private static final int P = SIZE * SIZE;

  final float[] conv3;
  final float[] conv3Bias;
  final float[] skip;
  final float[] fc;
  final float[] fcBias;

  DeepHead(long seed) {
    Random r = new Random(seed);
    conv3 = gaussian(r, MID * K * 9, 0.4);
    conv3Bias = gaussian(r, MID, 0.2);
    skip = gaussian(r, MID * 3, 0.5);
    fc = gaussian(r, C * MID, 1.0);
    fcBias = gaussian(r, C, 0.1);
  }

  private static float[] gaussian(Random r, int n, double scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (scale * r.nextGaussian());
    }
    return v;
  }

  /** The ONNX model, at {@code batch} images per forward pass. */
  OnnxClassifier open(int batch) {
    return open(batch, -1);
  }

  /** The ONNX model with a fixed batch dimension {@code fixed} (-1: dynamic). */
  OnnxClassifier open(int batch, long fixed) {
    OnnxGraphBuilder b = new OnnxGraphBuilder("deep_head").opset(13);
    b.input("input", fixed, 3, SIZE, SIZE);
    b.initializer("conv.weight", TestModels.convWeights(), K, 3, 1, 1);
    b.initializer("skip.weight", skip, MID, 3, 1, 1);
    b.initializer("conv3.weight", conv3, MID, K, 3, 3);
    b.initializer("conv3.bias", conv3Bias, MID);
    b.initializer("fc.weight", fc, C, MID);
    b.initializer("fc.bias", fcBias, C);
    b.node("Conv").name("/features/conv/Conv").inputs("input", "conv.weight").outputs("features").add();
    b.node("Conv").name("/skip/conv/Conv").inputs("input", "skip.weight").outputs("skip").add();
    b.node("Conv").name("/head/conv/Conv").inputs("features", "conv3.weight", "conv3.bias").outputs("head_conv")
        .attrInts("pads", 1, 1, 1, 1).add();
    b.node("Add").name("/head/Add").inputs("head_conv", "skip").outputs("head_sum").add();
    b.node("Relu").name("/head/relu/Relu").inputs("head_sum").outputs("head_relu").add();
    b.node("GlobalAveragePool").name("/avgpool/GlobalAveragePool").inputs("head_relu").outputs("pooled").add();
    b.node("Flatten").name("/Flatten").inputs("pooled").outputs("flat").add();
    b.node("Gemm").name("/fc/Gemm").inputs("flat", "fc.weight", "fc.bias").outputs("logits").attrInt("transB", 1).add();
    b.output("logits");
    return OnnxClassifier.open(OnnxModelFile.of(b.build(), "deep_head.onnx"), null, batch, 1);
  }

  /** {@code A = conv1×1(x)}, [K, 8, 8], in double. */
  static double[] activations(float[] x) {
    float[] w = TestModels.convWeights();
    double[] a = new double[K * P];
    for (int k = 0; k < K; k++) {
      for (int i = 0; i < P; i++) {
        double s = 0;
        for (int ch = 0; ch < 3; ch++) {
          s += w[k * 3 + ch] * (double) x[ch * P + i];
        }
        a[k * P + i] = s;
      }
    }
    return a;
  }

  /** The side input {@code S = conv1×1(x)}, [MID, 8, 8]. */
  double[] skip(float[] x) {
    double[] s = new double[MID * P];
    for (int m = 0; m < MID; m++) {
      for (int i = 0; i < P; i++) {
        double v = 0;
        for (int ch = 0; ch < 3; ch++) {
          v += skip[m * 3 + ch] * (double) x[ch * P + i];
        }
        s[m * P + i] = v;
      }
    }
    return s;
  }

  /** The head's logits from A and S, by hand. */
  double[] logits(double[] a, double[] s) {
    double[] pooled = new double[MID];
    for (int m = 0; m < MID; m++) {
      for (int y = 0; y < SIZE; y++) {
        for (int x = 0; x < SIZE; x++) {
          double v = conv3Bias[m] + s[m * P + y * SIZE + x];
          for (int k = 0; k < K; k++) {
            for (int dy = -1; dy <= 1; dy++) {
              for (int dx = -1; dx <= 1; dx++) {
                int yy = y + dy;
                int xx = x + dx;
                if (yy >= 0 && yy < SIZE && xx >= 0 && xx < SIZE) {
                  v += conv3[((m * K + k) * 3 + dy + 1) * 3 + dx + 1] * a[k * P + yy * SIZE + xx];
                }
              }
            }
          }
          pooled[m] += Math.max(0, v) / P;
        }
      }
    }
    double[] z = new double[C];
    for (int c = 0; c < C; c++) {
      z[c] = fcBias[c];
      for (int m = 0; m < MID; m++) {
        z[c] += fc[c * MID + m] * pooled[m];
      }
    }
    return z;
  }

  /** {@code ∂z_c/∂A} by central finite differences of {@link #logits}, step {@code h}. */
  double[] finiteDifferenceGradient(double[] a, double[] s, int c, double h) {
    double[] g = new double[a.length];
    double[] probe = a.clone();
    for (int i = 0; i < a.length; i++) {
      probe[i] = a[i] + h;
      double up = logits(probe, s)[c];
      probe[i] = a[i] - h;
      double down = logits(probe, s)[c];
      probe[i] = a[i];
      g[i] = (up - down) / (2 * h);
    }
    return g;
  }
}
