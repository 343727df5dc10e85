package dev.sscam.serve;

import dev.sscam.SscamException;
import dev.sscam.model.OnnxClassifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The models a server explains with, by id; the first is the default. Ids come from the file names
 * ({@code squeezenet1_0.onnx} → {@code squeezenet1_0}), made unique with {@code -2}, {@code -3}, ....
 * Closing closes every classifier.
 */
public final class ServedModels implements AutoCloseable {
  private final Map<String, ServedModel> byId = new LinkedHashMap<>();

  private ServedModels(List<ServedModel> models) {
    if (models.isEmpty()) {
      throw new SscamException("no model to serve");
    }
    for (ServedModel m : models) {
      byId.put(m.id(), m);
    }
  }

  /** Serves already open classifiers (the caller hands their closing over to this object). */
  public static ServedModels of(List<ServedModel> models) {
    return new ServedModels(models);
  }

  /** Opens each model file (batch size 16, ONNX Runtime's {@code threads}, 0 for one per core). */
  public static ServedModels open(List<Path> files, int threads) {
    List<ServedModel> opened = new ArrayList<>();
    try {
      for (Path f : files) {
        String stem = f.getFileName().toString().replaceFirst("\\.onnx$", "");
        String id = stem;
        for (int k = 2; taken(opened, id); k++) {
          id = stem + "-" + k;
        }
        opened.add(ServedModel.of(id, OnnxClassifier.open(f, 16, threads)));
      }
      return new ServedModels(opened);
    } catch (RuntimeException e) {
      opened.forEach(m -> m.classifier().close());
      throw e;
    }
  }

  private static boolean taken(List<ServedModel> models, String id) {
    return models.stream().anyMatch(m -> m.id().equals(id));
  }

  /** Every model, the default first. */
  public List<ServedModel> all() {
    return List.copyOf(byId.values());
  }

  /** The model {@code id} (404 when none has it). */
  ServedModel byId(String id) {
    ServedModel m = byId.get(id);
    if (m == null) {
      throw ApiError.notFound("unknown model '" + id + "'; served: " + String.join(", ", byId.keySet()));
    }
    return m;
  }

  /** The model {@code id}, or the default when {@code id} is null; 422 for an unknown id in options. */
  ServedModel byIdOrDefault(String id) {
    if (id == null) {
      return byId.values().iterator().next();
    }
    ServedModel m = byId.get(id);
    if (m == null) {
      throw ApiError.unprocessable("unknown model '" + id + "'; served: " + String.join(", ", byId.keySet()));
    }
    return m;
  }

  @Override
  public void close() {
    for (ServedModel m : byId.values()) {
      m.classifier().close();
    }
  }
}
