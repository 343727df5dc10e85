package dev.sscam.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sscam.InputUnreachableException;
import dev.sscam.cam.CamOptions;
import dev.sscam.cam.Methods;
import dev.sscam.data.IlsvrcValidation;
import dev.sscam.metrics.DeletionInsertion;
import dev.sscam.metrics.GaussianBlur;
import dev.sscam.model.OnnxClassifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One bad item costs one image, never the run: it is logged with its reason, left out of the
 * report and listed there, and a rerun neither retries it nor logs it twice.
 */
class EvaluationSkipTest {
  @TempDir Path tmp;

  /** The bundled mini dataset copied to {@code tmp/data}, image 2 replaced by text and annotation 5 by garbage. */
  private Path brokenDataset() throws Exception {
    Path data = tmp.resolve("data");
    try (Stream<Path> files = Files.walk(EvaluationResumeTest.DATA)) {
      for (Path f : files.toList()) {
        Path target = data.resolve(EvaluationResumeTest.DATA.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
    Files.writeString(data.resolve("val/images/FS2026_val_00000002.JPEG"), "not a picture\n");
    Files.writeString(data.resolve("val/annotations/FS2026_val_00000005.xml"), "<annotation><size><width>2");
    return data;
  }


  @Test
  void corruptImageAndAnnotationAreSkippedLoggedReportedAndNotRetried() throws Exception {
    Path data = brokenDataset();
    Path out = tmp.resolve("out");
    Evaluation.Settings s = new Evaluation.Settings(data, Methods.parse(List.of("grad-cam")), 12, 3, 10, 2, 20000, out,
        "paper");
    List<SkippedItem> told = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    EvaluationRun.Listener listener = new EvaluationRun.Listener() {
      @Override
      public void finished(int done, int total, ImageResult result) {
        assertThat(total).isEqualTo(12);
      }

      @Override
      public void skipped(SkippedItem item) {
        told.add(item);
      }
    };
    try (OnnxClassifier model = OnnxClassifier.open(EvaluationResumeTest.MODEL, 16, 1)) {
      assertThat(Evaluation.run(model, s, notes::add, listener)).isEqualTo(10);
      assertThat(told).extracting(SkippedItem::image).containsExactly("FS2026_val_00000002", "FS2026_val_00000005");
      assertThat(told.get(0).reason()).contains("FS2026_val_00000002.JPEG");
      assertThat(told.get(1).reason()).contains("FS2026_val_00000005.xml");
      Path log = out.resolve(ResultsLog.FILE);
      ResultsLog.Contents contents = ResultsLog.readAll(log);
      assertThat(contents.results()).hasSize(10).noneMatch(r -> r.image().endsWith("02") || r.image().endsWith("05"));
      assertThat(contents.skipped()).isEqualTo(told);

      EvaluationReport report = EvaluationReport.from(out);
      String summary = "2 images skipped: FS2026_val_00000002 (" + told.get(0).reason() + "); FS2026_val_00000005 ("
          + told.get(1).reason() + ")";
      assertThat(report.skippedSummary()).isEqualTo(summary);
      assertThat(report.summary("grad-cam", "drop").n()).isEqualTo(10);
      assertThat(report.markdown()).contains(summary);
      assertThat(report.csv()).contains("skipped,\"FS2026_val_00000002: ").contains("skipped,\"FS2026_val_00000005: ");
      assertThat(report.html(null)).contains("2 images skipped: FS2026_val_00000002 (");

      // A rerun computes nothing, retries neither image, logs nothing twice, and says so.
      byte[] before = Files.readAllBytes(log);
      told.clear();
      assertThat(Evaluation.run(model, s, notes::add, listener)).isZero();
      assertThat(told).isEmpty();
      assertThat(Files.readAllBytes(log)).isEqualTo(before);
      assertThat(notes).anyMatch(n -> n.startsWith("2 images were skipped by an earlier run and are not retried"));
    }
  }

  /**
   * A file that vanished after the listing (as a path that only one machine sees) is no bad item:
   * the run stops naming it, logs no skip, and once the file is back a rerun computes it.
   */
  @Test
  void anUnreachableImageStopsTheRunWithoutASkipAndARerunResumes() throws Exception {
    Path data = brokenDataset();
    IlsvrcValidation dataset = IlsvrcValidation.open(data);
    Path image = data.resolve("val/images/FS2026_val_00000003.JPEG");
    Path aside = tmp.resolve("aside.JPEG");
    Files.move(image, aside);
    int[] indices = {0, 2, 3}; // images 1, 3, 4
    Path out = tmp.resolve("unreachable");
    List<dev.sscam.cam.CamMethod> methods = Methods.parse(List.of("grad-cam"));
    try (OnnxClassifier model = OnnxClassifier.open(EvaluationResumeTest.MODEL, 16, 1)) {
      ImageEvaluation evaluation = new ImageEvaluation(model, CamOptions.builder().build(),
          new DeletionInsertion(20000, 16, new GaussianBlur()));
      try (ResultsLog log = ResultsLog.open(out, ResultsLogTest.config(10, 2))) {
        InputUnreachableException e = catchThrowableOfType(() -> EvaluationRun.run(evaluation, dataset, indices, methods,
            item -> model.card().preprocessing().apply(item.image()), log, (d, t, r) -> { }),
            InputUnreachableException.class);
        assertThat(e.path()).isEqualTo(image.toString());
        assertThat(e.getMessage()).contains(image.toString()).contains("rerun").doesNotContain("\n");
        assertThat(log.skipped()).isEmpty();
        assertThat(log.results()).extracting(ImageResult::image).containsExactly("FS2026_val_00000001");
      }
      Files.move(aside, image);
      try (ResultsLog log = ResultsLog.open(out, ResultsLogTest.config(10, 2))) {
        assertThat(EvaluationRun.run(evaluation, dataset, indices, methods,
            item -> model.card().preprocessing().apply(item.image()), log, (d, t, r) -> { })).isEqualTo(2);
        assertThat(log.skipped()).isEmpty();
      }
      assertThat(ResultsLog.readAll(out.resolve(ResultsLog.FILE)).results()).extracting(ImageResult::image)
          .containsExactly("FS2026_val_00000001", "FS2026_val_00000003", "FS2026_val_00000004");
    }
  }

  /** A NaN model output for one image (here: a NaN pixel after preprocessing) skips that image only. */
  @Test
  void nanOutputForOneImageSkipsThatImage() throws Exception {
    IlsvrcValidation dataset = IlsvrcValidation.open(EvaluationResumeTest.DATA);
    int[] indices = {0, 1, 2};
    Path out = tmp.resolve("nan");
    try (OnnxClassifier model = OnnxClassifier.open(EvaluationResumeTest.MODEL, 16, 1);
        ResultsLog log = ResultsLog.open(out, ResultsLogTest.config(10, 2))) {
      ImageEvaluation evaluation = new ImageEvaluation(model, CamOptions.builder().build(),
          new DeletionInsertion(20000, 16, new GaussianBlur()));
      int computed = EvaluationRun.run(evaluation, dataset, indices, Methods.parse(List.of("grad-cam", "grad-cam++")),
          item -> {
            float[] x = model.card().preprocessing().apply(item.image());
            if (item.id().equals("FS2026_val_00000002")) {
              x[1234] = Float.NaN;
            }
            return x;
          }, log, (d, t, r) -> { });
      assertThat(computed).isEqualTo(4);
      assertThat(log.skipped()).containsExactly(new SkippedItem("FS2026_val_00000002",
          "the model's output for FS2026_val_00000002 contains NaN (logits): check the model's weights"));
      assertThat(log.results()).extracting(ImageResult::image)
          .containsExactly("FS2026_val_00000001", "FS2026_val_00000001", "FS2026_val_00000003", "FS2026_val_00000003");
    }
  }

  /** Results of a skipped image (methods that finished before it failed) are kept in the log but not reported. */
  @Test
  void reportLeavesOutEveryResultOfASkippedImage() {
    List<ImageResult> results = List.of(
        ResultsLogTest.result("a", "grad-cam", 0.5, 0.25), ResultsLogTest.result("a", "score-cam", 0.5, 0.5),
        ResultsLogTest.result("b", "grad-cam", 0.5, 0.0), ResultsLogTest.result("c", "grad-cam", 0.8, 0.2));
    EvaluationReport report = EvaluationReport.of(new ResultsLog.Contents(results,
        List.of(new SkippedItem("b", "the model's output for b contains NaN (gradients at x): check the model's weights"))),
        null, 1);
    // drops: a 50 %, c 75 % (b's 100 % is left out)
    assertThat(report.summary("grad-cam", "drop").mean()).isEqualTo(62.5);
    assertThat(report.summary("grad-cam", "drop").n()).isEqualTo(2);
    assertThat(report.skippedSummary()).isEqualTo(
        "1 image skipped: b (the model's output for b contains NaN (gradients at x): check the model's weights)");
    assertThat(Arrays.asList(report.csv().split("\n"))).contains(
        "skipped,\"b: the model's output for b contains NaN (gradients at x): check the model's weights\",,,,");
  }

  @Test
  void aModelThatCannotBeExplainedThisWayStopsTheRunInsteadOfSkippingEveryImage() throws Exception {
    Path out = tmp.resolve("out-cam");
    // CAM needs conv → global average pool → linear; a ViT's class-token head is none, for any image.
    Path vit = Path.of(EvaluationSkipTest.class.getResource("/modern/vit_b16_layout.onnx").toURI());
    Evaluation.Settings s = new Evaluation.Settings(EvaluationResumeTest.DATA, Methods.parse(List.of("cam")), 3, 3, 10, 2,
        20000, out, "paper");
    try (OnnxClassifier model = OnnxClassifier.open(vit, 16, 1)) {
      dev.sscam.ModelUnsupportedException e = catchThrowableOfType(
          () -> Evaluation.run(model, s, n -> { }, (done, total, result) -> { }), dev.sscam.ModelUnsupportedException.class);
      assertThat(e).as("the run stops").isNotNull();
      assertThat(e.getMessage()).contains("CAM needs");
    }
    assertThat(ResultsLog.readAll(out.resolve(ResultsLog.FILE)).skipped()).as("no image recorded as skipped").isEmpty();
  }
}
