package dev.sscam.onnx;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The folders in which ONNX Runtime's Java binding extracts its native libraries, and the removal
 * of those whose JVM is gone.
 *
 * <p>Every JVM that loads ONNX Runtime creates {@code java.io.tmpdir/onnxruntime-java<random>},
 * extracts {@code libonnxruntime.so} and {@code libonnxruntime4j_jni.so} (about 20 MB) into it and
 * marks them {@code deleteOnExit}. A JVM killed with SIGKILL (a lost Spark executor, a container the
 * kernel's OOM killer ended) runs no exit hooks and leaves its folder for good; on a cluster whose
 * executors come and go they pile up in each node's temp folder.
 *
 * <p>A folder belongs to a live JVM while some process maps a file inside it: a loaded native
 * library stays mapped ({@code /proc/PID/maps}) for the life of the process, even once deleted.
 * Between creating the folder and loading the library (well under a second) a folder is in use yet
 * unmapped, so only folders last modified more than {@code minAge} ago are candidates. Only this
 * user's folders are touched, and nothing at all when the processes' maps cannot all be read (no
 * {@code /proc}, as off Linux, or a process of this user hidden): then ownership cannot be told.
 */
public final class OrtNativeFolders {
  /** How ONNX Runtime names the folders ({@code Files.createTempDirectory("onnxruntime-java")}). */
  public static final String PREFIX = "onnxruntime-java";

  /** Folders younger than this are left alone: a JVM may be between extracting and loading. */
  public static final Duration DEFAULT_MIN_AGE = Duration.ofMinutes(2);

  private static final Path PROC = Path.of("/proc");

  private OrtNativeFolders() {}

  /**
   * Removes the stale folders of {@code java.io.tmpdir} (where this JVM's ONNX Runtime extracted
   * its own).
   *
   * @return the folders removed
   */
  public static List<Path> removeStale() {
    return removeStale(Path.of(System.getProperty("java.io.tmpdir")), DEFAULT_MIN_AGE);
  }

  /**
   * Removes the folders {@code onnxruntime-java*} of {@code tempDir} that are owned by this user,
   * last modified more than {@code minAge} ago, and hold no file mapped by a running process.
   *
   * @return the folders removed (none when ownership cannot be told, see the class comment)
   */
  public static List<Path> removeStale(Path tempDir, Duration minAge) {
    List<Path> candidates = candidates(tempDir, Instant.now().minus(minAge));
    if (candidates.isEmpty()) {
      return List.of();
    }
    Optional<Set<String>> mapped = mappedFiles();
    if (mapped.isEmpty()) {
      return List.of();
    }
    List<Path> removed = new ArrayList<>();
    for (Path folder : candidates) {
      String prefix = folder.toAbsolutePath().normalize() + "/";
      if (mapped.get().stream().noneMatch(f -> f.startsWith(prefix)) && delete(folder)) {
        removed.add(folder);
      }
    }
    return removed;
  }

  /** This user's ONNX Runtime folders in {@code tempDir} last modified before {@code before}. */
  private static List<Path> candidates(Path tempDir, Instant before) {
    List<Path> found = new ArrayList<>();
    UserPrincipal me;
    try {
      me = tempDir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(System.getProperty("user.name"));
    } catch (IOException | UnsupportedOperationException e) {
      return found;
    }
    try (DirectoryStream<Path> list = Files.newDirectoryStream(tempDir, PREFIX + "*")) {
      for (Path p : list) {
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) && me.equals(Files.getOwner(p))
            && Files.getLastModifiedTime(p).toInstant().isBefore(before)) {
          found.add(p);
        }
      }
    } catch (IOException e) {
      // an unreadable temp folder: nothing to do
    }
    return found;
  }

  /**
   * The files mapped by the running processes, from {@code /proc/PID/maps}; empty when a map that
   * matters cannot be read. A process whose map is denied is passed over when it belongs to another
   * user (ONNX Runtime's folders are private to their owner, mode 700, so it cannot have mapped a file
   * in one of this user's) or is no JVM (a sandbox's or container's init, typically PID 1).
   */
  static Optional<Set<String>> mappedFiles() {
    if (!Files.isDirectory(PROC.resolve("self"))) {
      return Optional.empty();
    }
    Set<String> files = new HashSet<>();
    try (DirectoryStream<Path> pids = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().matches("\\d+"))) {
      UserPrincipal me = PROC.resolve("self").getFileSystem().getUserPrincipalLookupService()
          .lookupPrincipalByName(System.getProperty("user.name"));
      for (Path pid : pids) {
        try {
          // "address perms offset dev inode    /path/to/file [(deleted)]": the path starts at the first '/'
          for (String line : Files.readAllLines(pid.resolve("maps"), java.nio.charset.StandardCharsets.ISO_8859_1)) {
            int slash = line.indexOf('/');
            if (slash >= 0) {
              files.add(line.substring(slash));
            }
          }
        } catch (NoSuchFileException gone) {
          // the process ended meanwhile: it maps nothing any more
        } catch (IOException e) {
          if (ownedBy(pid, me) && mayBeJvm(pid)) {
            return Optional.empty(); // one of this user's JVMs we cannot see into: cannot tell
          }
        }
      }
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty();
    }
    return Optional.of(files);
  }

  /**
   * Whether {@code pid} may be a JVM: its program ({@code argv[0]}, readable where its map is not)
   * is a {@code java} launcher, or cannot be read either.
   */
  private static boolean mayBeJvm(Path pid) {
    try {
      String cmdline = new String(Files.readAllBytes(pid.resolve("cmdline")), java.nio.charset.StandardCharsets.ISO_8859_1);
      int end = cmdline.indexOf('\0');
      String program = Path.of(end < 0 ? cmdline : cmdline.substring(0, end)).getFileName() + "";
      return program.contains("java");
    } catch (IOException | java.nio.file.InvalidPathException e) {
      return !(e instanceof NoSuchFileException);
    }
  }

  /** Whether the process {@code pid} (its {@code /proc} folder) runs as {@code user}; false once it ended. */
  private static boolean ownedBy(Path pid, UserPrincipal user) {
    try {
      return user.equals(Files.getOwner(pid));
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean delete(Path folder) {
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
      return true;
    } catch (IOException | java.io.UncheckedIOException e) {
      return false; // another JVM removed it first, or a permission: leave it
    }
  }
}
