package dev.sscam.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sscam.SscamException;
import dev.sscam.cam.CamMethod;
import dev.sscam.cam.CamOptions;
import dev.sscam.cam.Explainer;
import dev.sscam.cam.FastEstimate;
import dev.sscam.cam.Methods;
import dev.sscam.cam.SaliencyMap;
import dev.sscam.image.ImageReader;
import dev.sscam.io.Npy;
import dev.sscam.model.NonFiniteOutputException;
import dev.sscam.model.OnnxClassifier;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sscam explain}: saliency maps of images, as pictures and numbers. */
@Command(name = "explain", mixinStandardHelpOptions = true,
    description = {"Explain images with class activation maps.",
        "Writes STEM.METHOD.png (the image with E overlaid); with --npy also STEM.METHOD.cam.npy (h x w map at feature resolution) and STEM.METHOD.npy (H x W map E).",
        "With no image and no model: the bundled example with SS-CAM (2)."})
final class ExplainCommand implements Callable<Integer> {
  @Mixin ModelOptions model;
  @Mixin CamOptionsMixin cam;

  @Parameters(paramLabel = "IMAGE", arity = "0..*", description = "Images to explain (default: the bundled example). EXIF orientation is ignored, as in"
          + " torchvision; at most 89,478,485 pixels.")
  List<Path> images = new ArrayList<>();

  @Option(names = "--input-tensor", paramLabel = "X.npy",
      description = "A preprocessed input (float32 or float64, C order, 3xHxW or 1x3xHxW .npy) instead of an image.")
  Path inputTensor;

  @Option(names = "--method", paramLabel = "METHOD", split = ",", defaultValue = "ss-cam-2",
      description = {"ss-cam-1, ss-cam-2, score-cam, grad-cam, grad-cam++, smooth-grad-cam++, cam, xgrad-cam, layer-cam,"
          + " hires-cam, grad-cam-elementwise, eigen-cam, eigen-grad-cam, ablation-cam, is-cam;"
          + " all (every one but cam) or paper (the paper's six) (default: ${DEFAULT-VALUE})."})
  List<String> methods;

  @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = "sscam-out",
      description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--npy", description = "Also write the maps as float32 .npy files.")
  boolean npy;

  @Option(names = "--json", description = "Print one JSON object per map on stdout.")
  boolean json;

  @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
  boolean quiet;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = spec.commandLine().getOut();
    List<CamMethod> chosen = Methods.parse(methods);
    CamOptions options = cam.build(model.batchSize);
    if (inputTensor != null && !images.isEmpty()) {
      throw new SscamException("give either images or --input-tensor, not both");
    }
    if (inputTensor == null && images.isEmpty()) {
      images = List.of(BundledExample.image());
    }
    try (OnnxClassifier m = model.open()) {
      if (inputTensor == null) {
        // A mistyped path fails before any work; decoding waits for each image's turn, so memory stays
        // flat however many images are given (a corrupt one stops the run there, naming it).
        images.forEach(ImageReader::requireNonEmptyFile);
      }
      Files.createDirectories(out);
      Explainer explainer = new Explainer(m);
      ObjectMapper mapper = new ObjectMapper();
      int per = m.imageSize();
      int count = inputTensor != null ? 1 : images.size();
      for (int k = 0; k < count; k++) {
        ImageInputs inputs = inputTensor != null ? ImageInputs.tensor(inputTensor, m.card())
            : ImageInputs.load(List.of(images.get(k)), m.card());
        String stem = inputs.names().get(0);
        float[] x = inputs.tensor(0, per);
        for (CamMethod method : chosen) {
          String image = inputTensor != null ? inputTensor.toString() : images.get(k).toString();
          SaliencyMap s = NonFiniteOutputException.naming(image,
              () -> ProgressBar.explain(explainer, x, method, options, stem + " " + method.id(), quiet));
          List<String> files = new ArrayList<>();
          Path png = out.resolve(stem + "." + method.id() + ".png");
          Pictures.writeOverlay(inputs.picture(0, m.card()), s, Pictures.methodTitle(method, options), png);
          files.add(png.toString());
          if (npy) {
            Path camFile = out.resolve(stem + "." + method.id() + ".cam.npy");
            Npy.write(camFile, new int[] {s.h(), s.w()}, s.cam());
            Path eFile = out.resolve(stem + "." + method.id() + ".npy");
            Npy.write(eFile, new int[] {s.height(), s.width()}, s.explanation());
            files.add(camFile.toString());
            files.add(eFile.toString());
          }
          if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("image", stem);
            o.put("method", method.id());
            o.put("class", s.classIndex());
            o.put("label", s.label());
            o.put("score", s.score());
            o.put("probability", s.probability());
            o.put("all_zero", s.allZero());
            o.put("layer", s.provenance().layer());
            o.put("layer_reading", s.provenance().layerReading());
            o.put("passes", s.provenance().forwardPasses());
            if (s.provenance().isFast()) {
              FastEstimate f = s.provenance().fast();
              Map<String, Object> fo = new LinkedHashMap<>();
              fo.put("tolerance", f.tolerance());
              fo.put("passes", f.passes());
              fo.put("exact_passes", f.exactPasses());
              fo.put("estimated_rms_error", f.estimatedError());
              o.put("fast", fo);
            }
            o.put("seconds", s.provenance().seconds());
            o.put("options", s.provenance().options());
            o.put("model_sha256", s.provenance().modelSha256());
            o.put("files", files);
            stdout.println(mapper.writeValueAsString(o));
          } else {
            stdout.printf("%s  %-18s class %d (%s) p=%.3f  %d %s%s  %.1fs  -> %s%s%n", stem, method.id(),
                s.classIndex(), s.label(), s.probability(), s.provenance().forwardPasses(),
                s.provenance().forwardPasses() == 1 ? "pass" : "passes",
                s.provenance().isFast() ? " (" + s.provenance().fast().describe() + ")" : "", s.provenance().seconds(),
                png, s.allZero() ? "  [map is zero everywhere: no positive channel weight; under --preset equations try a smaller --sigma, or the default preset authors]" : "");
          }
          stdout.flush();
        }
      }
    }
    return 0;
  }
}
