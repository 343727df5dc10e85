package dev.sscam.study;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bytes served for each trial's picture and maps, read once and kept in memory: the maps of a trial
 * re-encoded to one byte length ({@link EqualLengthPngs}). Served from memory, every map of a trial takes
 * the same path and the same time; the file system's cache cannot make one map answer faster.
 */
final class ServedImages {
  /** A trial's picture and its maps by stored map id. */
  record TrialImages(byte[] picture, Map<Long, byte[]> maps) {}

  private final Path imagesDir;
  private final StudyDatabase db;
  private final Map<Long, TrialImages> trials = new ConcurrentHashMap<>();

  ServedImages(Path studyDir, StudyDatabase db) {
    this.imagesDir = studyDir.resolve(StudyCreation.IMAGES);
    this.db = db;
  }

  /** The picture and maps of {@code trial}, prepared on first use. */
  TrialImages of(StudyDatabase.Trial trial) {
    return trials.computeIfAbsent(trial.id(), id -> load(trial));
  }

  private TrialImages load(StudyDatabase.Trial trial) {
    List<StudyDatabase.MapImage> maps = db.maps(trial.id());
    List<byte[]> files = new ArrayList<>();
    for (StudyDatabase.MapImage m : maps) {
      files.add(read(m.publicId()));
    }
    List<byte[]> padded = EqualLengthPngs.of(files);
    Map<Long, byte[]> byId = new HashMap<>();
    for (int i = 0; i < maps.size(); i++) {
      byId.put(maps.get(i).id(), padded.get(i));
    }
    return new TrialImages(read(trial.pictureId()), byId);
  }

  private byte[] read(String fileId) {
    try {
      return Files.readAllBytes(imagesDir.resolve(fileId + ".png"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
