package dev.sscam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The progress of {@code study create} on a clock the test sets. */
class StudyProgressTest {
  private static final long S = 1_000_000_000L;

  /**
   * Off a terminal: a line per image. Image 1 of 3 done at 60 s: 2 images left at 60 s each → ETA 2m00s.
   * Image 2 done at 150 s: 75 s per image, 1 left → 1m15s. Mid-image updates write nothing.
   */
  @Test
  void aLinePerImageWithTheTimeLeft() {
    StringWriter text = new StringWriter();
    long[] now = {0};
    StudyProgress p = new StudyProgress(new PrintWriter(text), false, false, () -> now[0]);
    now[0] = 30 * S;
    p.progress(1.0 / 6, 0, 3);
    assertThat(text.toString()).isEmpty();
    now[0] = 60 * S;
    p.progress(1.0 / 3, 1, 3);
    now[0] = 100 * S;
    p.progress(0.5, 1, 3);
    now[0] = 150 * S;
    p.progress(2.0 / 3, 2, 3);
    now[0] = 200 * S;
    p.progress(1, 3, 3);
    assertThat(text.toString()).isEqualTo("study: 1 of 3 images, 1m00s elapsed, ETA 2m00s\n"
        + "study: 2 of 3 images, 2m30s elapsed, ETA 1m15s\n"
        + "study: 3 of 3 images, 3m20s elapsed, ETA 0m00s\n");
  }

  /**
   * On a terminal: a bar. Before the first image is done the time left is estimated from the share of
   * passes (a quarter done after 20 s → ~1m00s); after it, from whole images (image 1 of 2 took 40 s, 10 s
   * into image 2 → 30 s left). Quiet writes nothing.
   */
  @Test
  void aBarOnATerminalAndNothingWhenQuiet() {
    StringWriter text = new StringWriter();
    long[] now = {0};
    StudyProgress p = new StudyProgress(new PrintWriter(text), true, false, () -> now[0]);
    now[0] = 20 * S;
    p.progress(0.25, 0, 2);
    assertThat(text.toString()).contains(" 25.0% 0/2 images, 0m20s elapsed, ETA ~1m00s");
    now[0] = 40 * S;
    p.progress(0.5, 1, 2);
    now[0] = 50 * S;
    p.progress(0.6, 1, 2);
    assertThat(text.toString()).endsWith(" 60.0% 1/2 images, 0m50s elapsed, ETA 0m30s\033[K");
    p.finish();
    assertThat(text.toString()).endsWith("\r\033[K");

    StringWriter none = new StringWriter();
    StudyProgress quiet = new StudyProgress(new PrintWriter(none), false, true, () -> now[0]);
    quiet.progress(1, 2, 2);
    quiet.finish();
    assertThat(none.toString()).isEmpty();
  }
}
