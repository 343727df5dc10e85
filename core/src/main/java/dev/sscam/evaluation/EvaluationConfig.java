package dev.sscam.evaluation;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sscam.SscamException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import dev.sscam.cam.Preset;
import dev.sscam.cam.Reading;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * What an evaluation run computed, stored as {@code DIR/config.json}: a rerun with an equal
 * configuration resumes, a different one is refused (its results would not be comparable).
 *
 * @param modelSha256 SHA-256 of the ONNX model file
 * @param methods method ids, in table order
 * @param images how many images were asked for
 * @param seed subset and noise seed
 * @param samples SS-CAM noisy samples N
 * @param sigma SS-CAM noise σ
 * @param step deletion/insertion pixels per step
 * @param dataset the dataset folder, absolute and normalised
 * @param imageListHash SHA-256 of the chosen image ids joined by newlines
 * @param preset the CAM options' preset ({@code authors}, {@code equations} or {@code torchcam});
 *     absent in older files means {@code equations}, and {@code paper} (its old name) is read as such
 * @param reading every reading option in force (option → value, as on the command line), the
 *     preset's with any overrides; absent in older files means the preset's
 * @param fastTolerance the tolerance of fast mode ({@code evaluate --fast}), or null for exact maps;
 *     absent in older files means exact
 * @param layer the target layer and how it was read ({@code encoder.layers.encoder_layer_5.ln_1, tokens
 *     1+14x14}), or null when not recorded (older files): two runs disagree on it only when both name one
 */
public record EvaluationConfig(
    String modelSha256,
    List<String> methods,
    int images,
    long seed,
    int samples,
    double sigma,
    int step,
    String dataset,
    String imageListHash,
    String preset,
    Map<String, String> reading,
    // Left out when null, so an exact run's file is as before fast mode existed.
    @JsonInclude(JsonInclude.Include.NON_NULL) Double fastTolerance,
    @JsonInclude(JsonInclude.Include.NON_NULL) String layer) {

  /** The file name inside the output folder. */
  public static final String FILE = "config.json";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public EvaluationConfig {
    methods = List.copyOf(methods);
    Preset p = Preset.parse(preset == null ? "paper" : preset);
    preset = p.id();
    reading = Collections.unmodifiableMap(new LinkedHashMap<>(
        reading == null ? p.reading().asMap() : p.reading().with(reading).asMap()));
  }

  /** A configuration of exact maps whose reading is exactly {@code preset}'s. */
  public EvaluationConfig(String modelSha256, List<String> methods, int images, long seed, int samples, double sigma,
      int step, String dataset, String imageListHash, String preset) {
    this(modelSha256, methods, images, seed, samples, sigma, step, dataset, imageListHash, preset, null);
  }

  /** A configuration of exact maps. */
  public EvaluationConfig(String modelSha256, List<String> methods, int images, long seed, int samples, double sigma,
      int step, String dataset, String imageListHash, String preset, Map<String, String> reading) {
    this(modelSha256, methods, images, seed, samples, sigma, step, dataset, imageListHash, preset, reading, null);
  }

  /** A configuration without a recorded layer. */
  public EvaluationConfig(String modelSha256, List<String> methods, int images, long seed, int samples, double sigma,
      int step, String dataset, String imageListHash, String preset, Map<String, String> reading, Double fastTolerance) {
    this(modelSha256, methods, images, seed, samples, sigma, step, dataset, imageListHash, preset, reading,
        fastTolerance, null);
  }

  /** This configuration with the target layer recorded ({@code NAME, READING}). */
  public EvaluationConfig withLayer(String layer) {
    return new EvaluationConfig(modelSha256, methods, images, seed, samples, sigma, step, dataset, imageListHash, preset,
        reading, fastTolerance, layer);
  }

  /** Whether the maps are fast mode's, not exact. */
  @JsonIgnore
  public boolean isFast() {
    return fastTolerance != null;
  }

  /** SHA-256 (hex) of the ids joined by '\n': identifies the image list. */
  public static String hashOf(List<String> ids) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(d.digest(String.join("\n", ids).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The names of the options (as on the command line) whose values differ from {@code other}'s. */
  public List<String> differences(EvaluationConfig other) {
    List<String> out = new ArrayList<>();
    if (!Objects.equals(modelSha256, other.modelSha256)) {
      out.add("model");
    }
    if (!methods.equals(other.methods)) {
      out.add("methods");
    }
    if (seed != other.seed) {
      out.add("seed");
    }
    if (samples != other.samples) {
      out.add("samples");
    }
    if (Double.compare(sigma, other.sigma) != 0) {
      out.add("sigma");
    }
    if (step != other.step) {
      out.add("step");
    }
    if (!Objects.equals(dataset, other.dataset)) {
      out.add("data");
    }
    if (!Objects.equals(preset, other.preset)) {
      out.add("preset");
    }
    for (String option : Reading.OPTIONS) {
      if (!Objects.equals(reading.get(option), other.reading.get(option))) {
        out.add(option);
      }
    }
    if (layer != null && other.layer != null && !layer.equals(other.layer)) {
      out.add("layer");
    }
    if (!Objects.equals(fastTolerance, other.fastTolerance)) {
      out.add(fastTolerance == null || other.fastTolerance == null ? "fast" : "fast-tolerance");
    }
    return out;
  }

  /** Reads {@code file}. */
  public static EvaluationConfig read(Path file) {
    try {
      return JSON.readValue(file.toFile(), EvaluationConfig.class);
    } catch (IOException e) {
      throw new SscamException("cannot read " + file + ": " + e.getMessage());
    }
  }

  /** Writes to {@code file} atomically (temp file in the same folder, then move). */
  public void write(Path file) {
    try {
      dev.sscam.io.AtomicFile.write(file, JSON.writeValueAsBytes(this));
    } catch (IOException e) {
      throw new SscamException("cannot write " + file + ": " + e.getMessage());
    }
  }
}
