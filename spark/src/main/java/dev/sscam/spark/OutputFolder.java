package dev.sscam.spark;

import dev.sscam.SscamException;
import dev.sscam.evaluation.EvaluationConfig;
import dev.sscam.evaluation.EvaluationFigure;
import dev.sscam.evaluation.ResultsLog;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;

/**
 * The job's {@code --out}, as the driver writes it: a {@code file:} folder is the working folder
 * itself (results are appended and fsynced line by line, exactly as {@code sscam evaluate} does). Any
 * other URI is mirrored in a local working folder on the driver: {@link #open} fetches an earlier
 * run's {@code config.json}, {@code results.jsonl} and figure maps from it, and {@link #publish}
 * uploads them back (each file written under a temp name, then renamed), so a rerun on the same
 * URI resumes from what was last published.
 */
final class OutputFolder {
  private final URI uri;
  private final Path local;
  private final Configuration conf;

  private OutputFolder(URI uri, Path local, Configuration conf) {
    this.uri = uri;
    this.local = local;
    this.conf = conf;
  }

  /** Opens {@code uri}, fetching an earlier run's files when it is not local. */
  static OutputFolder open(URI uri, Configuration conf) {
    if (HadoopStorage.isLocal(uri)) {
      return new OutputFolder(uri, Path.of(uri), conf);
    }
    // The URI is the truth: the working copy starts from what it holds, not from an older copy here.
    Path local = HadoopStorage.cacheFor(uri).resolve("out");
    try {
      HadoopStorage.deleteTree(local);
      Files.createDirectories(local);
    } catch (IOException e) {
      throw new SscamException("cannot prepare " + local + " for " + uri + ": " + e.getMessage());
    }
    for (String name : List.of(EvaluationConfig.FILE, ResultsLog.FILE, EvaluationFigure.DIR)) {
      HadoopStorage.fetch(child(uri, name), local.resolve(name), conf);
    }
    return new OutputFolder(uri, local, conf);
  }

  /** The folder the driver writes in. */
  Path local() {
    return local;
  }

  /** Uploads the working folder's files to the URI (nothing to do for a {@code file:} one). */
  void publish() {
    if (HadoopStorage.isLocal(uri)) {
      return;
    }
    try (Stream<Path> files = Files.walk(local)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        HadoopStorage.upload(f, child(local.relativize(f).toString().replace('\\', '/')), conf);
      }
    } catch (IOException e) {
      throw new SscamException("cannot list " + local + ": " + e.getMessage());
    }
  }

  private URI child(String relative) {
    return child(uri, relative);
  }

  private static URI child(URI uri, String relative) {
    String base = uri.toString().endsWith("/") ? uri.toString() : uri + "/";
    return URI.create(base + relative);
  }
}
