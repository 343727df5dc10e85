package dev.sscam.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sscam.SscamException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The database on its own: migrations, constraints, one answer per participant and trial. */
class StudyDatabaseTest {
  @TempDir Path dir;

  private StudyDatabase design() {
    StudyDatabase db = StudyDatabase.create(dir.resolve(StudyDatabase.FILE));
    List<Long> methods = db.addMethods(List.of("m1", "m2"));
    db.addTrial("t1", "a.jpg", "cat", 0.9, "p1", 0, methods, List.of("x1", "y1"), List.of(false, true));
    db.addTrial("t2", "b.jpg", "dog", 0.8, "p2", 1, methods, List.of("x2", "y2"), List.of(false, false));
    return db;
  }

  @Test
  void migratesToTheLatestVersionAndRefusesANewerOne() throws Exception {
    try (StudyDatabase db = design()) {
      assertThat(db.schemaVersion()).isEqualTo(Schema.latest());
    }
    // reopening keeps the data and does not migrate again
    try (StudyDatabase db = StudyDatabase.open(dir)) {
      assertThat(db.trials()).extracting(StudyDatabase.Trial::image).containsExactly("a.jpg", "b.jpg");
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(StudyDatabase.FILE));
        Statement s = c.createStatement()) {
      s.execute("PRAGMA user_version = 99");
    }
    assertThatThrownBy(() -> StudyDatabase.open(dir)).isInstanceOf(SscamException.class)
        .hasMessageContaining("schema version 99, newer than this sscam's " + Schema.latest());
    assertThatThrownBy(() -> StudyDatabase.open(dir.resolve("nothing"))).hasMessageContaining("is not a study folder");
  }

  @Test
  void oneAnswerPerParticipantAndTrialAndForeignKeysHold() {
    try (StudyDatabase db = design()) {
      StudyDatabase.Participant p = db.newParticipant();
      StudyDatabase.Presentation first = db.nextTrial(p).orElseThrow();
      assertThat(first.maps()).hasSize(2);
      long chosen = first.maps().get(1).id();
      assertThat(db.answer(p, first.trial().id(), Set.of(chosen), false)).isTrue();
      assertThat(db.answer(p, first.trial().id(), Set.of(), true)).isFalse();
      assertThat(db.count("answer")).isEqualTo(1);
      assertThat(db.answered(p)).isEqualTo(1);
      StudyDatabase.Presentation second = db.nextTrial(p).orElseThrow();
      assertThat(second.trial().id()).isNotEqualTo(first.trial().id());
      // a map id that does not exist violates the foreign key: the whole answer is rolled back
      assertThatThrownBy(() -> db.answer(p, second.trial().id(), Set.of(12345L), false)).isInstanceOf(SscamException.class);
      assertThat(db.count("answer")).isEqualTo(1);
      assertThat(db.nextTrial(p).orElseThrow().trial().id()).isEqualTo(second.trial().id());
      assertThatThrownBy(() -> db.answer(p, second.trial().id(), Set.of(chosen), true))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(db.answer(p, second.trial().id(), Set.of(), true)).isTrue();
      assertThat(db.nextTrial(p)).isEmpty();
      assertThat(db.isImage("x1")).isTrue();
      assertThat(db.isImage("p2")).isTrue();
      assertThat(db.isImage("x1' OR '1'='1")).isFalse();
    }
  }
}
