package dev.sscam.study;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sscam.SscamException;
import dev.sscam.cam.CamMethod;
import dev.sscam.cam.CamOptions;
import dev.sscam.cam.Explainer;
import dev.sscam.cam.SaliencyMap;
import dev.sscam.image.ImageReader;
import dev.sscam.image.Preprocessing;
import dev.sscam.model.OnnxClassifier;
import dev.sscam.render.Overlay;
import dev.sscam.render.PngWriter;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code sscam study create}: computes every method's explanation map for each image and writes a study
 * folder: {@code images/ID.png} (each picture and each overlay under its own random id, so neither the
 * URL nor the file says which method made it; PNGs carry no text chunks) and {@code study.db} with the
 * trials and the provenance (model hash, methods, options, seed). The folder is built beside the target
 * and moved into place only when complete.
 */
public final class StudyCreation {
  /** Folder of the served pictures and overlays inside a study folder. */
  public static final String IMAGES = "images";

  /** Receives progress as the maps are computed. */
  @FunctionalInterface
  public interface Listener {
    /**
     * Called after each batch of forward passes and after each image.
     *
     * @param fraction the share of the study computed, 0..1: whole images, plus the current image's finished
     *     methods and the current method's share of its passes, each method of an image counted alike
     * @param imagesDone images whose maps are all written
     * @param images the study's images
     */
    void progress(double fraction, int imagesDone, int images);
  }

  private StudyCreation() {}

  /**
   * Creates the study folder {@code out} (which must not exist, or be an empty folder).
   *
   * @param model the classifier whose maps are compared
   * @param images the images, one trial each, in this order
   * @param methods the methods compared (two or more)
   * @param options CAM options for every method (their {@link CamOptions#asMap()} is recorded)
   * @param seed the seed recorded with the study (the options carry the noise seed)
   * @param out the study folder
   */
  public static void create(OnnxClassifier model, List<Path> images, List<CamMethod> methods, CamOptions options,
      long seed, Path out, Listener listener) {
    if (methods.size() < 2) {
      throw new SscamException("a study compares at least two methods, got " + methods.size());
    }
    if (images.isEmpty()) {
      throw new SscamException("a study needs at least one image");
    }
    requireFree(out);
    Path parent = out.toAbsolutePath().normalize().getParent();
    Path tmp;
    try {
      Files.createDirectories(parent);
      tmp = Files.createTempDirectory(parent, "." + out.getFileName() + ".tmp-");
    } catch (IOException e) {
      throw new SscamException(out + ": cannot create the study folder: " + e.getMessage());
    }
    boolean done = false;
    try {
      build(model, images, methods, options, seed, tmp, out.toAbsolutePath().normalize().getFileName().toString(), listener);
      if (Files.isDirectory(out)) {
        Files.delete(out); // empty, checked above
      }
      Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
      done = true;
    } catch (IOException e) {
      throw new SscamException(out + ": cannot write the study folder: " + e.getMessage());
    } finally {
      if (!done) {
        deleteTree(tmp);
      }
    }
  }

  private static void build(OnnxClassifier model, List<Path> images, List<CamMethod> methods, CamOptions options,
      long seed, Path dir, String name, Listener listener) {
    Path imagesDir = dir.resolve(IMAGES);
    Explainer explainer = new Explainer(model);
    Preprocessing pre = model.card().preprocessing();
    try (StudyDatabase db = StudyDatabase.create(dir.resolve(StudyDatabase.FILE))) {
      db.putProvenance(provenance(name, model, images, methods, options, seed));
      List<Long> methodIds = db.addMethods(methods.stream().map(CamMethod::id).toList());
      for (int i = 0; i < images.size(); i++) {
        Path image = images.get(i);
        int imageIndex = i;
        BufferedImage picture = pre.resize(ImageReader.read(image));
        float[] input = pre.normalize(picture);
        String pictureId = StudyDatabase.randomId(16);
        PngWriter.write(picture, imagesDir.resolve(pictureId + ".png"));
        List<String> mapIds = new ArrayList<>();
        List<Boolean> empty = new ArrayList<>();
        SaliencyMap first = null;
        for (int k = 0; k < methods.size(); k++) {
          CamMethod method = methods.get(k);
          double before = i + (double) k / methods.size();
          SaliencyMap map = explainer.explain(input, method, options, (done, total) -> listener.progress(
              (before + (total == 0 ? 0 : (double) done / total) / methods.size()) / images.size(), imageIndex, images.size()));
          first = first == null ? map : first;
          String id = StudyDatabase.randomId(16);
          // blend() draws no title: the overlay must not say which method made it.
          PngWriter.write(Overlay.blend(picture, map.explanation(), map.width(), map.height(), Overlay.DEFAULT_ALPHA),
              imagesDir.resolve(id + ".png"));
          mapIds.add(id);
          empty.add(map.allZero());
        }
        db.addTrial(StudyDatabase.randomId(16), image.getFileName().toString(), first.label(), first.probability(),
            pictureId, i, methodIds, mapIds, empty);
        listener.progress((double) (i + 1) / images.size(), i + 1, images.size());
      }
    }
  }

  private static Map<String, String> provenance(String name, OnnxClassifier model, List<Path> images,
      List<CamMethod> methods, CamOptions options, long seed) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("name", name);
    p.put("model_sha256", model.file().sha256());
    p.put("model", model.file().path().toString());
    p.put("model_name", model.card().name());
    p.put("methods", String.join(",", methods.stream().map(CamMethod::id).toList()));
    p.put("options", json(options.asMap()));
    p.put("seed", Long.toString(seed));
    p.put("images", Integer.toString(images.size()));
    p.put("created", Instant.now().toString());
    String version = StudyCreation.class.getPackage().getImplementationVersion();
    p.put("sscam_version", version == null ? "dev" : version);
    return p;
  }

  private static String json(Map<String, Object> m) {
    try {
      return new ObjectMapper().writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new SscamException("cannot record the options: " + e.getMessage());
    }
  }

  private static void requireFree(Path out) {
    if (!Files.exists(out)) {
      return;
    }
    if (!Files.isDirectory(out)) {
      throw new SscamException(out + " exists and is not a folder");
    }
    try (Stream<Path> s = Files.list(out)) {
      if (s.findAny().isPresent()) {
        throw new SscamException(out + " already exists and is not empty; choose a new --out (a study is never overwritten)");
      }
    } catch (IOException e) {
      throw new SscamException(out + ": " + e.getMessage());
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // Best effort: a leftover hidden temp folder is harmless and named after the study.
    }
  }
}
