package dev.sscam.evaluation;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sscam.SscamException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The evaluation's results as JSON lines, {@code DIR/results.jsonl}, one per finished image ×
 * method ({@link ImageResult}) or skipped image ({@link SkippedItem}, told apart by its
 * {@code skipped} field), beside {@code DIR/config.json}. Logs written before skip lines existed
 * read unchanged.
 *
 * <p>Each line is written, flushed and fsynced ({@link FileChannel#force}) before the next image
 * starts, so a killed run loses at most the line being written. On reading, a last line without
 * its newline (torn by a kill) is ignored, and on opening for append it is cut off, so finished
 * lines are never rewritten. Resuming: a rerun whose configuration agrees on everything but the
 * number of images (with the same seed, a larger subset contains the smaller one) skips the pairs
 * already in the file and does not retry the images skipped before; a different model, methods, seed, samples, σ, step or dataset is refused
 * with an {@link SscamException} naming the option(s).
 */
public final class ResultsLog implements AutoCloseable {
  /** The results file name inside the output folder. */
  public static final String FILE = "results.jsonl";

  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final FileChannel channel;
  private final Set<String> done = new LinkedHashSet<>();
  private final List<ImageResult> results;
  private final Map<String, SkippedItem> skipped = new LinkedHashMap<>();

  /**
   * Everything a results file holds, in file order.
   *
   * @param results the finished image × method pairs
   * @param skipped the skipped images, each once
   */
  public record Contents(List<ImageResult> results, List<SkippedItem> skipped) {
    /** Copies both lists. */
    public Contents {
      results = List.copyOf(results);
      skipped = List.copyOf(skipped);
    }
  }

  private ResultsLog(FileChannel channel, Contents contents) {
    this.channel = channel;
    this.results = new ArrayList<>(contents.results());
    for (ImageResult r : results) {
      done.add(r.key());
    }
    for (SkippedItem s : contents.skipped()) {
      skipped.put(s.image(), s);
    }
  }

  /**
   * Opens (or starts) the log in {@code dir} for {@code config}: refuses a folder holding a
   * different configuration, then writes {@code config} atomically (the image count may grow).
   */
  public static ResultsLog open(Path dir, EvaluationConfig config) {
    try {
      Files.createDirectories(dir);
      Path configFile = dir.resolve(EvaluationConfig.FILE);
      if (Files.exists(configFile)) {
        EvaluationConfig old = EvaluationConfig.read(configFile);
        List<String> diff = old.differences(config);
        if (!diff.isEmpty()) {
          throw new SscamException(dir + " holds an evaluation with a different " + String.join(", ", diff)
              + "; use another --out folder or the same options to resume");
        }
      }
      config.write(configFile);
      Path file = dir.resolve(FILE);
      FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      // Cut a torn last line (no newline) so the next append starts on a fresh line.
      long complete = completeLength(Files.readAllBytes(file));
      ch.truncate(complete);
      ch.position(complete);
      return new ResultsLog(ch, readAll(file));
    } catch (IOException e) {
      throw new SscamException("cannot open " + dir.resolve(FILE) + ": " + e.getMessage());
    }
  }

  /** Whether this image × method is already in the log. */
  public boolean isDone(String image, String method) {
    return done.contains(ImageResult.key(image, method));
  }

  /** Every result in the log, in file order (including those appended since opening). */
  public List<ImageResult> results() {
    return List.copyOf(results);
  }

  /** Whether this image was skipped (by this run or an earlier one). */
  public boolean isSkipped(String image) {
    return skipped.containsKey(image);
  }

  /** The skipped images in file order (including those appended since opening). */
  public List<SkippedItem> skipped() {
    return List.copyOf(skipped.values());
  }

  /** Appends one result line and forces it to disk before returning. */
  public synchronized void append(ImageResult r) {
    if (done.contains(r.key())) {
      throw new IllegalStateException("already logged: " + r.image() + " " + r.method());
    }
    writeLine(r);
    done.add(r.key());
    results.add(r);
  }

  /**
   * Appends one skip line and forces it to disk before returning; an image already skipped is
   * not logged again (a skip is counted once).
   */
  public synchronized void append(SkippedItem s) {
    if (skipped.containsKey(s.image())) {
      return;
    }
    writeLine(s);
    skipped.put(s.image(), s);
  }

  private void writeLine(Object value) {
    try {
      byte[] line = (JSON.writeValueAsString(value) + "\n").getBytes(StandardCharsets.UTF_8);
      ByteBuffer buf = ByteBuffer.wrap(line);
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
      channel.force(false);
    } catch (IOException e) {
      throw new SscamException("cannot write " + FILE + ": " + e.getMessage());
    }
  }

  /** Reads the results of {@code file} (a missing file is empty), ignoring a torn last line and skip lines. */
  public static List<ImageResult> read(Path file) {
    return readAll(file).results();
  }

  /**
   * Reads results and skipped images of {@code file} (a missing file is empty), ignoring a torn
   * last line; an image skipped on several lines is listed once.
   */
  public static Contents readAll(Path file) {
    if (!Files.exists(file)) {
      return new Contents(List.of(), List.of());
    }
    try {
      byte[] bytes = Files.readAllBytes(file);
      String text = new String(bytes, 0, (int) completeLength(bytes), StandardCharsets.UTF_8);
      List<ImageResult> results = new ArrayList<>();
      Map<String, SkippedItem> skipped = new LinkedHashMap<>();
      int lineNo = 0;
      for (String line : text.split("\n")) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        try {
          JsonNode node = JSON.readTree(line);
          if (node.has(SkippedItem.FIELD)) {
            SkippedItem s = JSON.treeToValue(node, SkippedItem.class);
            skipped.putIfAbsent(s.image(), s);
          } else {
            results.add(JSON.treeToValue(node, ImageResult.class));
          }
        } catch (IOException e) {
          throw new SscamException(file + " line " + lineNo + " is not a result: " + e.getMessage().lines().findFirst().orElse(""));
        }
      }
      return new Contents(results, List.copyOf(skipped.values()));
    } catch (IOException e) {
      throw new SscamException("cannot read " + file + ": " + e.getMessage());
    }
  }

  /** Length of the prefix ending with the last newline (0 when there is none). */
  private static long completeLength(byte[] bytes) {
    for (int i = bytes.length - 1; i >= 0; i--) {
      if (bytes[i] == '\n') {
        return i + 1;
      }
    }
    return 0;
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new SscamException("cannot close " + FILE + ": " + e.getMessage());
    }
  }
}
