package dev.sscam.study;

import java.util.List;

/**
 * The study database's schema as numbered migrations, applied in order by {@link StudyDatabase}; the
 * version reached is SQLite's {@code PRAGMA user_version}. A new version appends a migration here and
 * never edits an old one, so every study folder ever written can be opened and brought up to date.
 */
final class Schema {
  /** One step from version {@code version − 1} to {@code version}. */
  record Migration(int version, String description, List<String> statements) {}

  static final List<Migration> MIGRATIONS = List.of(
      new Migration(1, "trials, maps, participants, the orders they saw and their answers", List.of(
          "CREATE TABLE provenance (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
          // The methods in the paper's table order; their names never leave the server except to the admin.
          "CREATE TABLE method (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, position INTEGER NOT NULL UNIQUE)",
          "CREATE TABLE trial (id INTEGER PRIMARY KEY, public_id TEXT NOT NULL UNIQUE, image TEXT NOT NULL,"
              + " label TEXT NOT NULL, score REAL NOT NULL, picture_id TEXT NOT NULL UNIQUE, position INTEGER NOT NULL UNIQUE)",
          "CREATE TABLE map (id INTEGER PRIMARY KEY, trial_id INTEGER NOT NULL REFERENCES trial(id),"
              + " method_id INTEGER NOT NULL REFERENCES method(id), public_id TEXT NOT NULL UNIQUE, empty INTEGER NOT NULL,"
              + " UNIQUE (trial_id, method_id))",
          "CREATE TABLE participant (id INTEGER PRIMARY KEY, token TEXT NOT NULL UNIQUE, csrf TEXT NOT NULL,"
              + " created TEXT NOT NULL)",
          // The order of trials each participant gets ...
          "CREATE TABLE presentation (participant_id INTEGER NOT NULL REFERENCES participant(id),"
              + " trial_id INTEGER NOT NULL REFERENCES trial(id), seq INTEGER NOT NULL,"
              + " PRIMARY KEY (participant_id, trial_id), UNIQUE (participant_id, seq))",
          // ... and the order of the maps within each trial (position 0 is labelled A), for position bias.
          "CREATE TABLE shown (participant_id INTEGER NOT NULL, trial_id INTEGER NOT NULL,"
              + " position INTEGER NOT NULL, map_id INTEGER NOT NULL REFERENCES map(id),"
              + " PRIMARY KEY (participant_id, trial_id, position), UNIQUE (participant_id, trial_id, map_id),"
              + " FOREIGN KEY (participant_id, trial_id) REFERENCES presentation(participant_id, trial_id))",
          // One answer per participant and trial: a double submit, back button or refresh cannot add a second.
          "CREATE TABLE answer (id INTEGER PRIMARY KEY, participant_id INTEGER NOT NULL REFERENCES participant(id),"
              + " trial_id INTEGER NOT NULL REFERENCES trial(id), not_sure INTEGER NOT NULL CHECK (not_sure IN (0, 1)),"
              + " created TEXT NOT NULL, UNIQUE (participant_id, trial_id),"
              + " FOREIGN KEY (participant_id, trial_id) REFERENCES presentation(participant_id, trial_id))",
          "CREATE TABLE choice (answer_id INTEGER NOT NULL REFERENCES answer(id), map_id INTEGER NOT NULL REFERENCES map(id),"
              + " PRIMARY KEY (answer_id, map_id))")),
      new Migration(2, "the study's own secrets: the admin token (kept across restarts) and the key of the"
          + " per-participant ids", List.of(
          // Never in provenance: provenance is shown on the admin page and copied into every report.
          "CREATE TABLE secret (name TEXT PRIMARY KEY, value TEXT NOT NULL)")));

  /** The version a fully migrated database has. */
  static int latest() {
    return MIGRATIONS.get(MIGRATIONS.size() - 1).version();
  }

  private Schema() {}
}
