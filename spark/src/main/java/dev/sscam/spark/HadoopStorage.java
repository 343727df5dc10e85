package dev.sscam.spark;

import dev.sscam.InputUnreachableException;
import dev.sscam.SscamException;
import dev.sscam.evaluation.EvaluationConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;

/**
 * Files named by URI ({@code file:}, {@code hdfs:}, {@code s3a:}, … — whatever Hadoop's
 * FileSystem API has a client for on the classpath) and their local copies: core reads
 * {@link java.nio.file.Path}s and ONNX Runtime reads local files. A {@code file:} URI (or a plain
 * path) is used where it is, without copying.
 */
final class HadoopStorage {
  private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]+:.*");

  private HadoopStorage() {}

  /** {@code name} as a URI: a plain path becomes an absolute {@code file:} URI. */
  static URI uri(String name) {
    if (SCHEME.matcher(name).matches()) {
      URI u = URI.create(name);
      return "file".equals(u.getScheme()) ? Path.of(u).toAbsolutePath().normalize().toUri() : u;
    }
    return Path.of(name).toAbsolutePath().normalize().toUri();
  }

  /** Whether {@code uri} is on this machine's file system (then it is read and written in place). */
  static boolean isLocal(URI uri) {
    return "file".equals(uri.getScheme());
  }

  /** The folder local copies live in, one sub-folder per URI, on this JVM's machine. */
  static Path cacheDir() {
    return Path.of(System.getProperty("java.io.tmpdir"), "sscam-spark-cache");
  }

  /** The local folder that stands for {@code uri} in the cache. */
  static Path cacheFor(URI uri) {
    return cacheDir().resolve(EvaluationConfig.hashOf(java.util.List.of(uri.toString())).substring(0, 16));
  }

  /**
   * The file or folder at {@code uri} as a local path: itself for {@code file:}, else a copy in
   * {@link #cacheFor} made once ({@link #fetch}).
   */
  static Path local(URI uri, Configuration conf) {
    if (isLocal(uri)) {
      return Path.of(uri);
    }
    Path target = cacheFor(uri).resolve(new org.apache.hadoop.fs.Path(uri).getName());
    if (!Files.exists(target) && !fetch(uri, target, conf)) {
      throw new InputUnreachableException(uri.toString(), uri + " does not exist");
    }
    return target;
  }

  /**
   * Copies the file or folder at {@code uri} to {@code target} (a temp name beside it first, then
   * moved, so a concurrent task sees all of it or none).
   *
   * @return false when there is nothing at {@code uri}
   */
  static boolean fetch(URI uri, Path target, Configuration conf) {
    org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(uri);
    try {
      FileSystem fs = remote.getFileSystem(conf);
      if (!fs.exists(remote)) {
        return false;
      }
      Files.createDirectories(target.getParent());
      Path tmp = Files.createTempDirectory(target.getParent(), ".fetch.");
      Path part = tmp.resolve(target.getFileName().toString());
      fs.copyToLocalFile(false, remote, new org.apache.hadoop.fs.Path(part.toUri()), true);
      try {
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
        // another task of this JVM fetched it first: the same bytes
      }
      deleteTree(tmp);
      return true;
    } catch (IOException e) {
      // the file system client failed (network, permissions, a node down): the environment's fault
      throw new InputUnreachableException(uri.toString(), "cannot read " + uri + ": " + e.getMessage(), e);
    }
  }

  /** The URI of {@code child} (a file under the local copy {@code localRoot} of {@code root}). */
  static URI resolve(URI root, Path localRoot, Path child) {
    if (isLocal(root)) {
      return child.toAbsolutePath().normalize().toUri();
    }
    String base = root.toString().endsWith("/") ? root.toString() : root + "/";
    String rel = localRoot.relativize(child).toString().replace('\\', '/');
    return URI.create(base).resolve(new org.apache.hadoop.fs.Path(rel).toUri());
  }

  /**
   * Copies the local file {@code local} to {@code target} so that readers see the old file or the
   * whole new one: written beside it under a temp name, then renamed over it (atomic on HDFS).
   */
  static void upload(Path local, URI target, Configuration conf) {
    org.apache.hadoop.fs.Path dst = new org.apache.hadoop.fs.Path(target);
    org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(dst.getParent(), "." + dst.getName() + ".tmp");
    try {
      FileSystem fs = dst.getFileSystem(conf);
      fs.mkdirs(dst.getParent());
      fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(local.toUri()), tmp);
      FileContext.getFileContext(target, conf).rename(tmp, dst, Options.Rename.OVERWRITE);
    } catch (IOException e) {
      throw new SscamException("cannot write " + target + ": " + e.getMessage());
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
