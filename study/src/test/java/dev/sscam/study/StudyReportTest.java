package dev.sscam.study;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report says what the study was, warns when it is small, and gives κ with its interval (issue 17, item 9). */
class StudyReportTest {
  @TempDir Path tmp;

  @Test
  void aSmallStudysReportSaysWhatItAskedAndWarns() throws Exception {
    Path study = TestStudies.copy(tmp);
    try (StudyServer server = StudyServer.start(study, "127.0.0.1", 0)) {
      for (int who = 0; who < 2; who++) {
        HttpParticipant p = new HttpParticipant("http://127.0.0.1:" + server.port());
        for (HttpParticipant.Page page = p.page(); !page.done(); page = p.page()) {
          p.answer(page, who);
        }
      }
    }
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    try (StudyDatabase db = StudyDatabase.open(study)) {
      Map<String, String> prov = db.provenance();
      StudyReport report = StudyReport.of(db);
      String md = report.markdown();
      assertThat(md).startsWith("# sscam human-trust study: study\n")
          .contains("- Asked: “Which map best explains the object?” Tick the map or maps that best show where the"
              + " object the model sees is, or say you are not sure.")
          .contains("- Study: study, created " + prov.get("created").substring(0, 10) + "; answers from " + today
              + " to " + today)
          .contains("- Model: " + prov.get("model_name") + " (squeezenet1_0.onnx), SHA-256 " + prov.get("model_sha256").substring(0, 12))
          .contains("- Methods compared: grad-cam, grad-cam++, smooth-grad-cam++")
          .contains("- Participants: 2 answered (2 finished all 3 images)")
          .contains("**Warning: too few participants.** Only 2 answered. With fewer than 10")
          .contains("Fleiss' kappa, multi-pick variant")
          .containsPattern("κ = -?\\d\\.\\d{3}, bootstrap 95% interval over participants \\[-?\\d\\.\\d{3}, -?\\d\\.\\d{3}\\]");
      String html = report.html();
      assertThat(html).contains("<h1>sscam human-trust study: study</h1>").contains("Warning: too few participants")
          .contains("multi-pick variant").contains("bootstrap 95% interval over participants [");
      // the CSV carries κ's interval in its ci columns
      KappaInterval k = report.table().kappaInterval();
      assertThat(report.csv()).contains(String.format(java.util.Locale.ROOT, "fleiss_kappa_multi_pick,all,%.6g,%.6g,%.6g,%d",
          k.kappa(), k.low(), k.high(), TestStudies.IMAGES));
      assertThat(k.low()).isLessThanOrEqualTo(k.kappa());
      assertThat(k.high()).isGreaterThanOrEqualTo(k.kappa());
    }
  }
}
