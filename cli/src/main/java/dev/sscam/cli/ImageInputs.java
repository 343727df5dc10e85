package dev.sscam.cli;

import dev.sscam.SscamException;
import dev.sscam.image.ImageReader;
import dev.sscam.image.Preprocessing;
import dev.sscam.io.Npy;
import dev.sscam.model.ModelCard;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Images as the model sees them: the resized RGB picture (for overlays) and the preprocessed tensor,
 * or a preprocessed tensor given directly as {@code .npy} (3×H×W float32).
 *
 * @param names file stems, used to name outputs
 * @param pictures resized RGB images, or null entries for tensor inputs
 * @param tensors all inputs, concatenated NCHW
 */
record ImageInputs(List<String> names, List<BufferedImage> pictures, float[] tensors) {

  /** Reads and preprocesses every image (all are checked before any work starts). */
  static ImageInputs load(List<Path> images, ModelCard card) {
    Preprocessing pre = card.preprocessing();
    int per = 3 * card.height() * card.width();
    float[] all = new float[images.size() * per];
    List<BufferedImage> pics = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      BufferedImage resized = pre.resize(ImageReader.read(images.get(i)));
      System.arraycopy(pre.normalize(resized), 0, all, i * per, per);
      pics.add(resized);
      names.add(stem(images.get(i)));
    }
    return new ImageInputs(names, pics, all);
  }

  /** Reads a preprocessed tensor ({@code 3×H×W} or {@code 1×3×H×W} float32 .npy). */
  static ImageInputs tensor(Path npy, ModelCard card) {
    Npy.Array a = Npy.read(npy);
    int per = 3 * card.height() * card.width();
    int[] s = a.shape();
    boolean chw = s.length == 3 && s[0] == 3 && s[1] == card.height() && s[2] == card.width();
    boolean nchw = s.length == 4 && s[0] == 1 && s[1] == 3 && s[2] == card.height() && s[3] == card.width();
    if (!chw && !nchw) {
      throw new SscamException("input tensor " + npy + " has shape " + java.util.Arrays.toString(a.shape())
          + "; the model takes 3x" + card.height() + "x" + card.width() + " (or 1x3x" + card.height() + "x"
          + card.width() + ")");
    }
    List<BufferedImage> pics = new ArrayList<>();
    pics.add(null);
    return new ImageInputs(List.of(stem(npy).replaceFirst("\\.input$", "")), pics, a.data());
  }

  /** Input {@code i} (3×H×W). */
  float[] tensor(int i, int per) {
    return java.util.Arrays.copyOfRange(tensors, i * per, (i + 1) * per);
  }

  /**
   * The picture of input {@code i}: the resized image, or for a tensor input the tensor mapped back
   * to pixels ({@code (x·std + mean)·255}, clipped).
   */
  BufferedImage picture(int i, ModelCard card) {
    if (pictures.get(i) != null) {
      return pictures.get(i);
    }
    int h = card.height();
    int w = card.width();
    int plane = h * w;
    float[] x = tensor(i, 3 * plane);
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int p = 0; p < plane; p++) {
      int rgb = 0;
      for (int c = 0; c < 3; c++) {
        double v = (x[c * plane + p] * card.std()[c] + card.mean()[c]) * 255;
        rgb = (rgb << 8) | (int) Math.max(0, Math.min(255, Math.round(v)));
      }
      img.setRGB(p % w, p / w, rgb);
    }
    return img;
  }

  static String stem(Path p) {
    String f = p.getFileName().toString();
    int dot = f.lastIndexOf('.');
    return dot > 0 ? f.substring(0, dot) : f;
  }
}
