package dev.sscam.cli;

import dev.sscam.SscamException;
import dev.sscam.cam.CamMethod;
import dev.sscam.cam.CamOptions;
import dev.sscam.cam.Methods;
import dev.sscam.data.DatasetItem;
import dev.sscam.evaluation.Evaluation;
import dev.sscam.model.OnnxClassifier;
import dev.sscam.study.StudyCreation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sscam study create}: every method's map for each image, into a study folder with its database. */
@Command(name = "create", mixinStandardHelpOptions = true,
    description = {"Compute every method's map for each image and write a study folder: STUDY/study.db (SQLite:"
        + " trials, provenance) and STUDY/images/ (overlays under random ids).",
        "Images come from --data DIR (a seeded random subset of --images) or are given as arguments.",
        "Shows progress with the time left (a bar on a terminal, otherwise a line per image). SS-CAM and Score-CAM"
        + " take most of the time; --fast spends only the forward passes their maps need (see docs/fast-mode.md);"
        + " the study records it in its provenance."})
final class StudyCreateCommand implements Callable<Integer> {
  @Mixin ModelOptions model;
  @Mixin CamOptionsMixin cam;

  @Parameters(paramLabel = "IMAGE", arity = "0..*", description = "Images, one trial each (instead of --data).")
  List<Path> images = List.of();

  @Option(names = "--data", paramLabel = "DIR", description = "Dataset folder (ILSVRC layout or plain images).")
  Path data;

  @Option(names = "--images", paramLabel = "M", defaultValue = "20",
      description = "With --data: images in the seeded random subset (default: ${DEFAULT-VALUE}).")
  int count;

  @Option(names = "--methods", paramLabel = "METHOD", split = ",", defaultValue = "paper",
      description = "Methods compared (default: ${DEFAULT-VALUE} = the paper's six; all = every method but cam).")
  List<String> methods;

  @Option(names = {"-o", "--out"}, paramLabel = "STUDY", required = true, description = "The study folder to create (must not exist).")
  Path out;

  @Option(names = {"-q", "--quiet"}, description = "No progress.")
  boolean quiet;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    if ((data == null) == images.isEmpty()) {
      throw new SscamException("give either --data DIR or image files, not both and not neither");
    }
    if (count < 1) {
      throw new SscamException("--images must be >= 1, got " + count);
    }
    List<CamMethod> chosen = Methods.parse(methods);
    CamOptions options = cam.build(model.batchSize);
    List<Path> files = data == null ? images
        : Evaluation.openDataset(data, note -> stderr.println("sscam: note: " + note))
            .randomSubset(count, options.seed()).stream().map(DatasetItem::image).toList();
    StudyProgress progress = new StudyProgress(stderr, System.console() != null, quiet, System::nanoTime);
    try (OnnxClassifier m = model.open()) {
      StudyCreation.create(m, files, chosen, options, options.seed(), out, progress);
    } finally {
      progress.finish();
    }
    stdout.printf("study of %d images x %d methods%s written to %s; serve it with: sscam study serve %s%n",
        files.size(), chosen.size(), options.fast() == null ? "" : " (fast mode)", out, out);
    return 0;
  }
}
