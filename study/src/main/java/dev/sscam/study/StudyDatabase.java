package dev.sscam.study;

import dev.sscam.SscamException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.sqlite.SQLiteConfig;

/**
 * The study's SQLite database ({@code STUDY/study.db}): WAL journal, synchronous commits, foreign keys
 * on, every statement parameterised, one transaction per answer. One connection serves all requests;
 * its methods are synchronised (SQLite serialises writers anyway, and a single writer never sees
 * {@code SQLITE_BUSY}).
 */
public final class StudyDatabase implements AutoCloseable {
  /** The database's file name inside a study folder. */
  public static final String FILE = "study.db";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path file;
  private final Connection db;

  private StudyDatabase(Path file, Connection db) {
    this.file = file;
    this.db = db;
  }

  /** A trial: one image whose maps the participant compares. */
  public record Trial(long id, String publicId, String image, String label, double score, String pictureId, int position) {}

  /** One method's overlay for one trial; {@code publicId} is the opaque id the browser sees. */
  public record MapImage(long id, long trialId, String method, String publicId) {}

  /** An anonymous participant: the cookie token and the CSRF token of their answer form. */
  public record Participant(long id, String token, String csrf) {}

  /** A trial as one participant sees it: its place in their sequence and the maps in their order (A, B, …). */
  public record Presentation(Trial trial, int seq, List<MapImage> maps) {}

  /** Opens (and migrates) {@code STUDY/study.db}; refuses a folder without one. */
  public static StudyDatabase open(Path studyDir) {
    Path f = studyDir.resolve(FILE);
    if (!Files.isRegularFile(f)) {
      throw new SscamException(studyDir + " is not a study folder: it has no " + FILE + " (make one with `sscam study create`)");
    }
    return connect(f);
  }

  /** Creates a new, empty, migrated database at {@code file} (which must not exist). */
  public static StudyDatabase create(Path file) {
    if (Files.exists(file)) {
      throw new SscamException(file + " already exists");
    }
    return connect(file);
  }

  private static StudyDatabase connect(Path f) {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    // FULL: a committed answer is on disk before the page moves on, even across a power cut.
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.enforceForeignKeys(true);
    config.setBusyTimeout(10_000);
    try {
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + f.toAbsolutePath(), config.toProperties());
      StudyDatabase d = new StudyDatabase(f, c);
      d.migrate();
      return d;
    } catch (SQLException e) {
      throw new SscamException(f + ": cannot open the study database: " + e.getMessage());
    }
  }

  private void migrate() throws SQLException {
    int version;
    try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("PRAGMA user_version")) {
      version = r.getInt(1);
    }
    if (version > Schema.latest()) {
      throw new SscamException(file + " has schema version " + version + ", newer than this sscam's "
          + Schema.latest() + "; use a newer sscam");
    }
    for (Schema.Migration m : Schema.MIGRATIONS) {
      if (m.version() > version) {
        inTransaction(() -> {
          try (Statement s = db.createStatement()) {
            for (String sql : m.statements()) {
              s.execute(sql);
            }
            // PRAGMA takes no parameters; the version is our own integer constant.
            s.execute("PRAGMA user_version = " + m.version());
          }
          return null;
        });
      }
    }
  }

  /** The study folder this database belongs to. */
  public Path folder() {
    return file.toAbsolutePath().getParent();
  }

  /** The schema version ({@code PRAGMA user_version}). */
  public synchronized int schemaVersion() {
    return query("PRAGMA user_version", List.of(), r -> r.getInt(1)).get(0);
  }

  /** A pragma's current value (journal_mode, foreign_keys, synchronous), for checks. */
  public synchronized String pragma(String name) {
    if (!name.matches("[a-z_]+")) {
      throw new IllegalArgumentException("not a pragma name: " + name);
    }
    return query("PRAGMA " + name, List.of(), r -> r.getString(1)).get(0);
  }

  /**
   * The study's secret called {@code name}: made once (32 random bytes in hex) and then kept in the
   * database, so it survives restarts. Secrets never appear in provenance, reports or exports.
   */
  public synchronized String secret(String name) {
    return inTransaction(() -> {
      update("INSERT INTO secret (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", name, randomId(32));
      return query("SELECT value FROM secret WHERE name = ?", List.of(name), r -> r.getString(1)).get(0);
    });
  }

  // ---- creation ----

  /** Stores provenance pairs (model hash, methods, options, seed, …). */
  public synchronized void putProvenance(Map<String, String> pairs) {
    inTransaction(() -> {
      for (Map.Entry<String, String> e : pairs.entrySet()) {
        update("INSERT OR REPLACE INTO provenance (key, value) VALUES (?, ?)", e.getKey(), e.getValue());
      }
      return null;
    });
  }

  /** The provenance pairs, in key order. */
  public synchronized Map<String, String> provenance() {
    Map<String, String> m = new LinkedHashMap<>();
    query("SELECT key, value FROM provenance ORDER BY key", List.of(), r -> m.put(r.getString(1), r.getString(2)));
    return m;
  }

  /** Adds the methods in table order; returns their ids. */
  public synchronized List<Long> addMethods(List<String> names) {
    return inTransaction(() -> {
      List<Long> ids = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        ids.add(insert("INSERT INTO method (name, position) VALUES (?, ?)", names.get(i), i));
      }
      return ids;
    });
  }

  /**
   * Adds one trial and its maps in one transaction.
   *
   * @param mapIds the maps' opaque public ids, one per method id in {@code methodIds}
   * @param empty whether each map is zero everywhere (it is still shown: the participant judges it)
   */
  public synchronized Trial addTrial(String publicId, String image, String label, double score, String pictureId,
      int position, List<Long> methodIds, List<String> mapIds, List<Boolean> empty) {
    return inTransaction(() -> {
      long id = insert("INSERT INTO trial (public_id, image, label, score, picture_id, position) VALUES (?, ?, ?, ?, ?, ?)",
          publicId, image, label, score, pictureId, position);
      for (int i = 0; i < methodIds.size(); i++) {
        insert("INSERT INTO map (trial_id, method_id, public_id, empty) VALUES (?, ?, ?, ?)",
            id, methodIds.get(i), mapIds.get(i), empty.get(i) ? 1 : 0);
      }
      return new Trial(id, publicId, image, label, score, pictureId, position);
    });
  }

  // ---- reading the design ----

  /** The methods, in table order. */
  public synchronized List<String> methods() {
    return query("SELECT name FROM method ORDER BY position", List.of(), r -> r.getString(1));
  }

  /** All trials, in creation order. */
  public synchronized List<Trial> trials() {
    return query("SELECT id, public_id, image, label, score, picture_id, position FROM trial ORDER BY position",
        List.of(), StudyDatabase::trial);
  }

  /** The maps of a trial, in method table order. */
  public synchronized List<MapImage> maps(long trialId) {
    return query("SELECT map.id, map.trial_id, method.name, map.public_id FROM map JOIN method ON method.id = map.method_id"
        + " WHERE map.trial_id = ? ORDER BY method.position", List.of(trialId), StudyDatabase::mapImage);
  }

  /** Whether {@code publicId} names a picture or overlay of this study (the only images served). */
  public synchronized boolean isImage(String publicId) {
    return !query("SELECT 1 FROM map WHERE public_id = ? UNION ALL SELECT 1 FROM trial WHERE picture_id = ?",
        List.of(publicId, publicId), r -> 1).isEmpty();
  }

  // ---- participants ----

  /** The participant with this cookie token. */
  public synchronized Optional<Participant> participant(String token) {
    return query("SELECT id, token, csrf FROM participant WHERE token = ?", List.of(token),
        r -> new Participant(r.getLong(1), r.getString(2), r.getString(3))).stream().findFirst();
  }

  /**
   * A new anonymous participant with fresh random tokens, and (in the same transaction) their own random
   * order of the trials and, within each trial, of the maps.
   */
  public synchronized Participant newParticipant() {
    List<Trial> trials = trials();
    return inTransaction(() -> {
      String token = randomId(32);
      String csrf = randomId(32);
      long id = insert("INSERT INTO participant (token, csrf, created) VALUES (?, ?, ?)", token, csrf, Instant.now().toString());
      List<Trial> order = new ArrayList<>(trials);
      Collections.shuffle(order, RANDOM);
      for (int seq = 0; seq < order.size(); seq++) {
        Trial t = order.get(seq);
        update("INSERT INTO presentation (participant_id, trial_id, seq) VALUES (?, ?, ?)", id, t.id(), seq);
        List<MapImage> maps = new ArrayList<>(maps(t.id()));
        Collections.shuffle(maps, RANDOM);
        for (int pos = 0; pos < maps.size(); pos++) {
          update("INSERT INTO shown (participant_id, trial_id, position, map_id) VALUES (?, ?, ?, ?)",
              id, t.id(), pos, maps.get(pos).id());
        }
      }
      return new Participant(id, token, csrf);
    });
  }

  /** The participant's first unanswered trial in their order, or empty when they are done. */
  public synchronized Optional<Presentation> nextTrial(Participant p) {
    List<long[]> next = query("SELECT p.trial_id, p.seq FROM presentation p WHERE p.participant_id = ? AND NOT EXISTS"
        + " (SELECT 1 FROM answer a WHERE a.participant_id = p.participant_id AND a.trial_id = p.trial_id)"
        + " ORDER BY p.seq LIMIT 1", List.of(p.id()), r -> new long[] {r.getLong(1), r.getLong(2)});
    return next.stream().findFirst().map(n -> presentation(p, n[0], (int) n[1]));
  }

  /** The trial with this public id as the participant sees it, if it exists. */
  public synchronized Optional<Presentation> presentation(Participant p, String trialPublicId) {
    List<long[]> t = query("SELECT p.trial_id, p.seq FROM presentation p JOIN trial t ON t.id = p.trial_id"
        + " WHERE p.participant_id = ? AND t.public_id = ?", List.of(p.id(), trialPublicId),
        r -> new long[] {r.getLong(1), r.getLong(2)});
    return t.stream().findFirst().map(n -> presentation(p, n[0], (int) n[1]));
  }

  private Presentation presentation(Participant p, long trialId, int seq) {
    Trial trial = query("SELECT id, public_id, image, label, score, picture_id, position FROM trial WHERE id = ?",
        List.of(trialId), StudyDatabase::trial).get(0);
    List<MapImage> maps = query("SELECT map.id, map.trial_id, method.name, map.public_id FROM shown"
        + " JOIN map ON map.id = shown.map_id JOIN method ON method.id = map.method_id"
        + " WHERE shown.participant_id = ? AND shown.trial_id = ? ORDER BY shown.position",
        List.of(p.id(), trialId), StudyDatabase::mapImage);
    return new Presentation(trial, seq, maps);
  }

  /** Whether the participant has answered this trial. */
  public synchronized boolean hasAnswered(Participant p, long trialId) {
    return !query("SELECT 1 FROM answer WHERE participant_id = ? AND trial_id = ?", List.of(p.id(), trialId), r -> 1)
        .isEmpty();
  }

  /** How many trials the participant has answered. */
  public synchronized int answered(Participant p) {
    return query("SELECT COUNT(*) FROM answer WHERE participant_id = ?", List.of(p.id()), r -> r.getInt(1)).get(0);
  }

  /**
   * Stores one answer in one transaction: the maps chosen, or "not sure" (then {@code chosen} is empty).
   * A second answer for the same participant and trial is ignored (the first counts), so a double submit,
   * the back button or a refresh never counts twice.
   *
   * @return true if stored, false if the participant had already answered this trial
   */
  public synchronized boolean answer(Participant p, long trialId, Set<Long> chosenMapIds, boolean notSure) {
    if (notSure != chosenMapIds.isEmpty()) {
      throw new IllegalArgumentException("an answer is either 'not sure' or at least one map");
    }
    return inTransaction(() -> {
      int n = update("INSERT INTO answer (participant_id, trial_id, not_sure, created) VALUES (?, ?, ?, ?)"
          + " ON CONFLICT (participant_id, trial_id) DO NOTHING", p.id(), trialId, notSure ? 1 : 0, Instant.now().toString());
      if (n == 0) {
        return false;
      }
      long answerId = query("SELECT id FROM answer WHERE participant_id = ? AND trial_id = ?",
          List.of(p.id(), trialId), r -> r.getLong(1)).get(0);
      for (long m : chosenMapIds) {
        update("INSERT INTO choice (answer_id, map_id) VALUES (?, ?)", answerId, m);
      }
      return true;
    });
  }

  // ---- admin and analysis ----

  /** Answers per trial (image name → count), in trial order. */
  public synchronized Map<String, Integer> answersPerTrial() {
    Map<String, Integer> m = new LinkedHashMap<>();
    query("SELECT t.image, COUNT(a.id) FROM trial t LEFT JOIN answer a ON a.trial_id = t.id GROUP BY t.id ORDER BY t.position",
        List.of(), r -> m.put(r.getString(1), r.getInt(2)));
    return m;
  }

  /**
   * Answers per participant (participant number → count), for participants with at least one answer: one
   * who pressed Start and left without answering is no participant of the study.
   */
  public synchronized Map<Long, Integer> answersPerParticipant() {
    Map<Long, Integer> m = new LinkedHashMap<>();
    query("SELECT a.participant_id, COUNT(*) FROM answer a GROUP BY a.participant_id ORDER BY a.participant_id",
        List.of(), r -> m.put(r.getLong(1), r.getInt(2)));
    return m;
  }

  /** Participants who started (have a cookie and an order) but have not answered yet. */
  public synchronized int participantsWithoutAnswers() {
    return query("SELECT COUNT(*) FROM participant p WHERE NOT EXISTS (SELECT 1 FROM answer a WHERE a.participant_id = p.id)",
        List.of(), r -> r.getInt(1)).get(0);
  }

  /** The first and last time an answer was stored (ISO-8601), or empty when there is none. */
  public synchronized Optional<String[]> answerPeriod() {
    return query("SELECT MIN(created), MAX(created) FROM answer", List.of(),
        r -> r.getString(1) == null ? null : new String[] {r.getString(1), r.getString(2)}).stream()
        .filter(java.util.Objects::nonNull).findFirst();
  }

  /** One shown map in one stored answer: who, which trial, which method at which position, chosen or not. */
  public record ShownMap(long participant, long trial, String image, String method, int position, boolean chosen,
      boolean notSure, String answered) {}

  /** Every map shown in every stored answer, by participant, trial order of their sequence, and position. */
  public synchronized List<ShownMap> answeredMaps() {
    return query("SELECT a.participant_id, a.trial_id, t.image, method.name, s.position,"
        + " EXISTS (SELECT 1 FROM choice c WHERE c.answer_id = a.id AND c.map_id = s.map_id), a.not_sure, a.created"
        + " FROM answer a JOIN trial t ON t.id = a.trial_id"
        + " JOIN shown s ON s.participant_id = a.participant_id AND s.trial_id = a.trial_id"
        + " JOIN map ON map.id = s.map_id JOIN method ON method.id = map.method_id"
        + " JOIN presentation p ON p.participant_id = a.participant_id AND p.trial_id = a.trial_id"
        + " ORDER BY a.participant_id, p.seq, s.position", List.of(),
        r -> new ShownMap(r.getLong(1), r.getLong(2), r.getString(3), r.getString(4), r.getInt(5), r.getInt(6) == 1,
            r.getInt(7) == 1, r.getString(8)));
  }

  /** Row count of a table of this schema, for checks. */
  public synchronized int count(String table) {
    if (!List.of("trial", "map", "method", "participant", "presentation", "shown", "answer", "choice", "secret").contains(table)) {
      throw new IllegalArgumentException("no such table: " + table);
    }
    return query("SELECT COUNT(*) FROM " + table, List.of(), r -> r.getInt(1)).get(0);
  }

  /** A random opaque id: {@code bytes} random bytes in hex. */
  public static String randomId(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  @Override
  public synchronized void close() {
    try {
      db.close();
    } catch (SQLException e) {
      throw new SscamException(file + ": cannot close the study database: " + e.getMessage());
    }
  }

  // ---- plumbing: parameterised statements only ----

  @FunctionalInterface
  private interface Row<T> {
    T read(ResultSet r) throws SQLException;
  }

  @FunctionalInterface
  private interface Work<T> {
    T run() throws SQLException;
  }

  private static Trial trial(ResultSet r) throws SQLException {
    return new Trial(r.getLong(1), r.getString(2), r.getString(3), r.getString(4), r.getDouble(5), r.getString(6), r.getInt(7));
  }

  private static MapImage mapImage(ResultSet r) throws SQLException {
    return new MapImage(r.getLong(1), r.getLong(2), r.getString(3), r.getString(4));
  }

  private <T> T inTransaction(Work<T> work) {
    try {
      db.setAutoCommit(false);
      try {
        T result = work.run();
        db.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        db.rollback();
        throw e;
      } finally {
        db.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new SscamException(file + ": " + e.getMessage());
    }
  }

  private <T> List<T> query(String sql, List<?> params, Row<T> row) {
    try (PreparedStatement s = prepare(sql, params.toArray()); ResultSet r = s.executeQuery()) {
      List<T> out = new ArrayList<>();
      while (r.next()) {
        out.add(row.read(r));
      }
      return out;
    } catch (SQLException e) {
      throw new SscamException(file + ": " + e.getMessage());
    }
  }

  private int update(String sql, Object... params) throws SQLException {
    try (PreparedStatement s = prepare(sql, params)) {
      return s.executeUpdate();
    }
  }

  private long insert(String sql, Object... params) throws SQLException {
    try (PreparedStatement s = prepare(sql, params)) {
      s.executeUpdate();
      try (Statement q = db.createStatement(); ResultSet r = q.executeQuery("SELECT last_insert_rowid()")) {
        return r.getLong(1);
      }
    }
  }

  private PreparedStatement prepare(String sql, Object[] params) throws SQLException {
    PreparedStatement s = db.prepareStatement(sql);
    try {
      for (int i = 0; i < params.length; i++) {
        s.setObject(i + 1, params[i]);
      }
      return s;
    } catch (SQLException e) {
      s.close();
      throw e;
    }
  }
}
