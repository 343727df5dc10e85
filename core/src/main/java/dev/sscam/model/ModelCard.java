package dev.sscam.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sscam.SscamException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a model expects and what its outputs mean, read from the model card {@code NAME.json} beside
 * {@code NAME.onnx} (format of {@code shared/models/*.json}). Every field is optional; absent ones
 * take ImageNet's defaults: 224×224, mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225), labels
 * {@code class 0..C-1}.
 *
 * @param name model name
 * @param inputName graph input to feed, or null for the model's only image input
 * @param outputName graph output holding the logits, or null for the first output
 * @param height input height H
 * @param width input width W
 * @param mean per-channel mean subtracted after scaling pixels to [0,1]
 * @param std per-channel standard deviation divided after subtracting the mean
 * @param labels class names, or empty when the card gives none
 * @param targetLayer the target layer (module path or tensor, with any reading override as {@link
 *     LayerChoice} writes it), or null
 * @param source the card file, or null when defaults were used
 */
public record ModelCard(
    String name,
    String inputName,
    String outputName,
    int height,
    int width,
    float[] mean,
    float[] std,
    List<String> labels,
    String targetLayer,
    Path source) {

  /** ImageNet normalisation mean (PAPER.md, Preprocessing). */
  public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
  /** ImageNet normalisation standard deviation. */
  public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

  /** The card of a model without one: ImageNet defaults at {@code height × width}. */
  public static ModelCard defaults(String name, int height, int width) {
    return new ModelCard(name, null, null, height, width, IMAGENET_MEAN.clone(), IMAGENET_STD.clone(),
        List.of(), null, null);
  }

  /** The card file for {@code model}: {@code NAME.json} beside {@code NAME.onnx}. */
  public static Path cardPath(Path model) {
    String file = model.getFileName().toString();
    String stem = file.endsWith(".onnx") ? file.substring(0, file.length() - 5) : file;
    return model.resolveSibling(stem + ".json");
  }

  /** Reads the card beside {@code model}, if there is one. */
  public static Optional<ModelCard> besides(Path model) {
    Path card = cardPath(model);
    return Files.isRegularFile(card) ? Optional.of(read(card)) : Optional.empty();
  }

  /** Reads a card file; malformed cards are errors naming the field. */
  public static ModelCard read(Path card) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(card.toFile());
    } catch (IOException e) {
      throw new SscamException("model card " + card + " is not valid JSON: " + firstLine(e.getMessage()), e);
    }
    if (root == null || !root.isObject()) {
      throw new SscamException("model card " + card + " is not a JSON object");
    }
    String stem = card.getFileName().toString().replaceFirst("\\.json$", "");
    String name = text(root, "name", stem);
    JsonNode input = root.path("input");
    String inputName = input.hasNonNull("name") ? input.get("name").asText() : null;
    String outputName = root.path("output").hasNonNull("name") ? root.path("output").get("name").asText() : null;
    int height = 224;
    int width = 224;
    JsonNode shape = input.path("shape");
    if (shape.isArray() && shape.size() == 4) {
      if (shape.get(2).isInt()) {
        height = shape.get(2).asInt();
      }
      if (shape.get(3).isInt()) {
        width = shape.get(3).asInt();
      }
    }
    float[] mean = triple(card, input, "mean", IMAGENET_MEAN);
    float[] std = triple(card, input, "std", IMAGENET_STD);
    for (float s : std) {
      if (!(s > 0)) {
        throw new SscamException("model card " + card + ": std values must be > 0");
      }
    }
    List<String> labels = new ArrayList<>();
    root.path("labels").forEach(l -> labels.add(l.asText()));
    JsonNode tl = root.path("target_layer");
    String target = tl.isTextual() ? tl.asText() : tl.hasNonNull("module") ? tl.get("module").asText() : null;
    if (tl.isObject() && (tl.has("tokens") || tl.has("grid") || tl.has("layout"))) {
      // The reading of a layer whose shape sscam would guess wrong: {"module": ..., "tokens": 1, "grid": "14x14"}
      try {
        target = LayerChoice.compose(target, tl.hasNonNull("tokens") ? tl.get("tokens").asInt() : null,
            tl.hasNonNull("grid") ? tl.get("grid").asText() : null, tl.hasNonNull("layout") ? tl.get("layout").asText() : null);
      } catch (SscamException e) {
        throw new SscamException("model card " + card + ": target_layer: " + e.getMessage(), e);
      }
    }
    if (height < 1 || width < 1) {
      throw new SscamException("model card " + card + ": input size must be positive");
    }
    return new ModelCard(name, inputName, outputName, height, width, mean, std, List.copyOf(labels), target, card);
  }

  /** The torchvision-equivalent input transform this card describes (resize, scale, normalise). */
  public dev.sscam.image.Preprocessing preprocessing() {
    return new dev.sscam.image.Preprocessing(height, width,
        new double[] {mean[0], mean[1], mean[2]}, new double[] {std[0], std[1], std[2]});
  }

  /** Label of class {@code c}: the card's, or {@code class c}. */
  public String label(int c) {
    return c >= 0 && c < labels.size() ? labels.get(c) : "class " + c;
  }

  private static float[] triple(Path card, JsonNode input, String field, float[] fallback) {
    JsonNode n = input.path(field);
    if (n.isMissingNode() || n.isNull()) {
      return fallback.clone();
    }
    if (!n.isArray() || n.size() != 3) {
      throw new SscamException("model card " + card + ": input." + field + " must be 3 numbers");
    }
    float[] v = new float[3];
    for (int i = 0; i < 3; i++) {
      v[i] = (float) n.get(i).asDouble();
    }
    return v;
  }

  private static String text(JsonNode root, String field, String fallback) {
    return root.hasNonNull(field) ? root.get(field).asText() : fallback;
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }
}
