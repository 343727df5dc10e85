package dev.sscam.spark;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.management.ObjectName;

/**
 * The threads of this process that the JVM does not know: those a native library started, such as
 * ONNX Runtime's intra-op pool (its threads are unnamed, so they cannot be told apart by name). Linux
 * only: the process's threads are {@code /proc/self/task}; the JVM's own (Java threads, GC, compiler)
 * are those its thread dump lists with their {@code nid}.
 */
final class NativeThreads {
  private static final Pattern NID = Pattern.compile("nid=(0x[0-9a-fA-F]+|[0-9]+)");

  private NativeThreads() {}

  /** Whether this platform shows its threads in {@code /proc/self/task}. */
  static boolean supported() {
    return Files.isDirectory(Path.of("/proc/self/task"));
  }

  /**
   * How many threads the JVM does not know, the least of a few readings: a JVM thread that ends
   * between the two lists would count once as foreign, never in all of them.
   */
  static int foreign() throws Exception {
    int least = Integer.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      Set<Long> tids = new HashSet<>();
      try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
        tasks.forEach(t -> tids.add(Long.parseLong(t.getFileName().toString())));
      }
      tids.removeAll(jvmThreads());
      least = Math.min(least, tids.size());
      Thread.sleep(50);
    }
    return least;
  }

  private static Set<Long> jvmThreads() throws Exception {
    String dump = (String) ManagementFactory.getPlatformMBeanServer().invoke(
        new ObjectName("com.sun.management:type=DiagnosticCommand"), "threadPrint", new Object[] {new String[0]},
        new String[] {String[].class.getName()});
    Set<Long> nids = new HashSet<>();
    Matcher m = NID.matcher(dump);
    while (m.find()) {
      String n = m.group(1);
      nids.add(n.startsWith("0x") ? Long.parseLong(n.substring(2), 16) : Long.parseLong(n));
    }
    return nids;
  }
}
