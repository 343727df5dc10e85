package dev.sscam.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sscam.cam.Score;
import dev.sscam.model.NonFiniteOutputException;
import dev.sscam.model.OnnxClassifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sscam predict}: the top classes of each image. */
@Command(name = "predict", mixinStandardHelpOptions = true,
    description = {"Classify images: top-5 classes with labels and probabilities.",
        "A model output with NaN or ±Inf is an error naming the image, not a table of NaN%%."})
final class PredictCommand implements Callable<Integer> {
  @Mixin ModelOptions model;

  @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "Images (JPEG, PNG, BMP, GIF; first frame of an animation; EXIF orientation ignored, as in"
          + " torchvision; at most 89,478,485 pixels).")
  List<Path> images;

  @Option(names = "--top", defaultValue = "5", description = "How many classes to list (default: ${DEFAULT-VALUE}).")
  int top;

  @Option(names = "--json", description = "Print one JSON object per image instead of a table.")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (top < 1) {
      throw new dev.sscam.SscamException("--top must be at least 1, got " + top);
    }
    PrintWriter out = spec.commandLine().getOut();
    try (OnnxClassifier m = model.open()) {
      ObjectMapper mapper = new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT);
      // A chunk at a time, printed as it finishes: memory stays flat whatever the number of images.
      int chunk = Math.max(1, m.batchSize());
      for (int start = 0; start < images.size(); start += chunk) {
        List<Path> part = images.subList(start, Math.min(images.size(), start + chunk));
        ImageInputs inputs = ImageInputs.load(part, m.card());
        float[][] logits;
        try {
          logits = m.logits(inputs.tensors(), part.size());
        } catch (NonFiniteOutputException e) {
          throw e.forImage(part.get(e.index()).toString());
        }
        for (int i = 0; i < part.size(); i++) {
          print(out, mapper, m, part.get(i), logits[i]);
        }
        out.flush();
      }
    }
    out.flush();
    return 0;
  }

  private void print(PrintWriter out, ObjectMapper mapper, OnnxClassifier m, Path image, float[] z) throws Exception {
    List<Integer> order = IntStream.range(0, z.length).boxed()
        .sorted(Comparator.comparingDouble((Integer c) -> -z[c])).limit(top).toList();
    if (json) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (int c : order) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("class", c);
        r.put("label", m.card().label(c));
        r.put("probability", Score.softmax(z, c));
        r.put("logit", z[c]);
        rows.add(r);
      }
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("image", image.toString());
      o.put("top", rows);
      out.println(mapper.writeValueAsString(o));
    } else {
      out.println(image);
      for (int c : order) {
        out.printf("  %5.1f%%  %3d  %s%n", 100 * Score.softmax(z, c), c, m.card().label(c));
      }
    }
  }
}
