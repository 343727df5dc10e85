package dev.sscam.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real JVMs load ONNX Runtime into one temp folder; one is SIGKILLed. Only the killed JVM's
 * extracted folder is removed: the live one's, a fresh one and unrelated folders stay.
 */
class OrtNativeFoldersTest {
  @TempDir Path tmp;

  private final List<Process> children = new ArrayList<>();

  @Test
  void onlyTheFolderOfAKilledJvmIsRemoved() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux's /proc to tell a folder's owner");
    try {
      Path live = startLoader();
      Path killedFolder = startLoader();
      Process killed = children.get(1);
      killed.destroyForcibly(); // SIGKILL: deleteOnExit never runs
      assertThat(killed.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(killedFolder).as("SIGKILL leaves the folder").isDirectory();
      Path fresh = Files.createDirectory(tmp.resolve(OrtNativeFolders.PREFIX + "-just-created"));
      Path unrelated = Files.createDirectory(tmp.resolve("someone-else"));
      Instant hourAgo = Instant.now().minus(Duration.ofHours(1));
      for (Path old : List.of(live, killedFolder, unrelated)) {
        Files.setLastModifiedTime(old, FileTime.from(hourAgo));
      }

      assertThat(OrtNativeFolders.removeStale(tmp, Duration.ofMinutes(2))).containsExactly(killedFolder);
      assertThat(killedFolder).doesNotExist();
      assertThat(live).isDirectory(); // its JVM still maps the libraries
      assertThat(fresh).isDirectory(); // too young: a JVM may be about to load from it
      assertThat(unrelated).isDirectory();
      // Once the live JVM is killed too, its folder goes.
      children.get(0).destroyForcibly();
      assertThat(children.get(0).waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(OrtNativeFolders.removeStale(tmp, Duration.ofMinutes(2))).containsExactly(live);
    } finally {
      children.forEach(Process::destroyForcibly);
    }
  }

  /** Starts a JVM that loads ONNX Runtime with {@code tmp} as its temp folder; returns its new folder. */
  private Path startLoader() throws Exception {
    Set<Path> before = folders();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx64m");
    command.add("-Djava.io.tmpdir=" + tmp);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), OrtLoadingChild.class.getName()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    children.add(p);
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
    String line;
    while ((line = out.readLine()) != null && !line.equals("loaded")) {
      // ONNX Runtime's own start-up lines
    }
    assertThat(line).as("the child loaded ONNX Runtime").isEqualTo("loaded");
    Set<Path> after = folders();
    after.removeAll(before);
    assertThat(after).hasSize(1);
    return after.iterator().next();
  }

  private Set<Path> folders() throws Exception {
    try (Stream<Path> s = Files.list(tmp)) {
      return new HashSet<>(s.filter(p -> p.getFileName().toString().startsWith(OrtNativeFolders.PREFIX)).toList());
    }
  }
}
