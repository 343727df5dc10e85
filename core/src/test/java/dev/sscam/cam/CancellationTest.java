package dev.sscam.cam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sscam.Cancellation;
import dev.sscam.cam.score.ScoreCam;
import dev.sscam.model.OnnxClassifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An explanation stops at the next batch once cancelled, and a time limit cancels it by itself. */
class CancellationTest {
  private static final int CHANNELS = 64;

  @Test
  void cancelledAfterTheFirstBatchStopsThereAndSaysWhy() {
    try (OnnxClassifier m = TestModels.wide(CHANNELS, 0.97, 3)) {
      CamOptions o = CamOptions.builder().batchSize(4).build();
      Cancellation cancel = Cancellation.manual();
      List<Long> seen = new ArrayList<>();
      assertThatThrownBy(() -> new Explainer(m).explain(TestModels.image(1), new ScoreCam(), o, (done, total) -> {
        seen.add(done);
        cancel.cancel("stopped by the test");
      }, cancel)).isInstanceOf(Cancellation.Cancelled.class).hasMessage("stopped by the test")
          .satisfies(e -> assertThat(((Cancellation.Cancelled) e).timedOut()).isFalse());
      // one batch of 4 was reported, the next batch's report is where it stopped
      assertThat(seen).containsExactly(4L);
    }
  }

  @Test
  void aTimeLimitThatHasPassedStopsBeforeAnyWork() {
    try (OnnxClassifier m = TestModels.wide(CHANNELS, 0.97, 3)) {
      List<Long> seen = new ArrayList<>();
      assertThatThrownBy(() -> new Explainer(m).explain(TestModels.image(1), new ScoreCam(), CamOptions.defaults(),
          (done, total) -> seen.add(done), Cancellation.within(Duration.ZERO)))
          .isInstanceOf(Cancellation.Cancelled.class).hasMessage("time limit of 0 s exceeded")
          .satisfies(e -> assertThat(((Cancellation.Cancelled) e).timedOut()).isTrue());
      assertThat(seen).isEmpty();
    }
  }

  @Test
  void anUncancelledMapEqualsTheMapWithoutACancellation() {
    try (OnnxClassifier m = TestModels.wide(CHANNELS, 0.97, 3)) {
      CamOptions o = CamOptions.builder().batchSize(4).build();
      SaliencyMap plain = new Explainer(m).explain(TestModels.image(1), new ScoreCam(), o);
      SaliencyMap watched = new Explainer(m).explain(TestModels.image(1), new ScoreCam(), o, (d, t) -> { },
          Cancellation.within(Duration.ofHours(1)));
      assertThat(watched.explanation()).containsExactly(plain.explanation());
    }
  }

  @Test
  void noneCannotBeCancelled() {
    assertThatThrownBy(() -> Cancellation.NONE.cancel("x")).isInstanceOf(IllegalStateException.class);
    assertThat(Cancellation.NONE.isCancelled()).isFalse();
  }
}
