package dev.sscam.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates {@code ../shared} (the benchmark, models and fixtures that CI has beside the project but a
 * user's fresh clone does not). Tests that need it call {@link #require(String)}, which skips the
 * test, saying why, when the folder is absent.
 */
public final class SharedData {
  private SharedData() {}

  /** The shared folder, or null when absent. Honours {@code -Dsscam.shared=DIR}. */
  public static Path root() {
    String prop = System.getProperty("sscam.shared");
    if (prop != null) {
      return Files.isDirectory(Path.of(prop)) ? Path.of(prop).toAbsolutePath() : null;
    }
    // Surefire runs with the module folder (core/, cli/) as working directory.
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolveSibling("shared");
      if (Files.isDirectory(candidate.resolve("models"))) {
        return candidate;
      }
    }
    return null;
  }

  /** Resolves {@code relative} under the shared folder, or skips the calling test when absent. */
  public static Path require(String relative) {
    Path root = root();
    if (root == null) {
      skip("skipped: ../shared is absent (benchmark, models and fixtures live there; CI has it)");
    }
    Path p = root.resolve(relative);
    if (!Files.exists(p)) {
      skip("skipped: ../shared/" + relative + " is absent");
    }
    return p;
  }

  /** Skips the calling test, also saying why on stderr (Maven's console hides assumption messages). */
  private static void skip(String why) {
    StackWalker.StackFrame caller = StackWalker.getInstance().walk(s -> s
        .filter(f -> !f.getClassName().equals(SharedData.class.getName())).findFirst().orElseThrow());
    System.err.println("[sscam] " + caller.getClassName() + "." + caller.getMethodName() + " " + why);
    assumeTrue(false, why);
  }
}
