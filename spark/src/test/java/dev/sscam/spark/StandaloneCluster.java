package dev.sscam.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Spark standalone cluster on 127.0.0.1 for tests: a Master and Workers as separate JVMs started
 * from the Maven jars, laid out as a {@code SPARK_HOME} (its {@code jars/} folder links each jar) so
 * that the Workers launch executors as an installed Spark's do. Every process it starts (Master,
 * Workers, their executors, the drivers started through {@link #start}) is killed by {@link #close},
 * and by a shutdown hook if the test JVM ends first.
 */
final class StandaloneCluster implements AutoCloseable {
  private static final Pattern MASTER_URL = Pattern.compile("Starting Spark master at (spark://[0-9.]+:[0-9]+)");

  private final Path dir;
  private final Path sparkHome;
  private final List<String> jvmArgs;
  private final List<Process> processes = new CopyOnWriteArrayList<>();
  private final Thread reaper = new Thread(this::killAll, "sscam-cluster-reaper");
  private String masterUrl;

  /**
   * @param dir the cluster's folder (SPARK_HOME, work dirs, logs, the JVMs' temp folder)
   * @param sparkJars the jars of the Spark install
   * @param jvmArgs JVM options every process gets (the Java 17 --add-opens list)
   */
  StandaloneCluster(Path dir, List<Path> sparkJars, List<String> jvmArgs) throws IOException {
    this.dir = dir;
    this.sparkHome = dir.resolve("spark-home");
    this.jvmArgs = List.copyOf(jvmArgs);
    Path jars = Files.createDirectories(sparkHome.resolve("jars"));
    for (int i = 0; i < sparkJars.size(); i++) {
      // numbered: two artifacts may share a file name
      Files.createSymbolicLink(jars.resolve(String.format("%03d-%s", i, sparkJars.get(i).getFileName())), sparkJars.get(i));
    }
    Files.createDirectories(tmp());
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  /** The temp folder of every JVM of the cluster (so nothing is left in the machine's /tmp). */
  Path tmp() {
    return dir.resolve("tmp");
  }

  /** {@code SPARK_HOME/jars/*}: the classpath of the Spark install. */
  String sparkClasspath() {
    return sparkHome.resolve("jars") + "/*";
  }

  /** The master's URL, once {@link #startMaster} returned. */
  String masterUrl() {
    return masterUrl;
  }

  /** Starts the Master on a free port and waits until it listens. */
  void startMaster(Duration timeout) throws Exception {
    Path log = dir.resolve("master.log");
    start("master", List.of("-Xmx256m", "-cp", sparkClasspath(), "org.apache.spark.deploy.master.Master", "--host",
        "127.0.0.1", "--port", "0", "--webui-port", "0"), dir, log);
    await(timeout, "the master to start (" + log + ")", () -> {
      Matcher m = MASTER_URL.matcher(read(log));
      if (m.find()) {
        masterUrl = m.group(1);
        return true;
      }
      return false;
    });
  }

  /** Starts {@code n} Workers of one core each and waits until all registered with the Master. */
  void startWorkers(int n, Duration timeout) throws Exception {
    List<Path> logs = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      Path log = dir.resolve("worker" + i + ".log");
      logs.add(log);
      start("worker" + i, List.of("-Xmx256m", "-cp", sparkClasspath(), "org.apache.spark.deploy.worker.Worker",
          "--host", "127.0.0.1", "--cores", "1", "--memory", "1g", "--work-dir",
          Files.createDirectories(dir.resolve("work" + i)).toString(), "--port", "0", "--webui-port", "0", masterUrl),
          dir, log);
    }
    await(timeout, "the workers to register (" + logs + ")",
        () -> logs.stream().allMatch(l -> read(l).contains("Successfully registered with master")));
  }

  /**
   * Starts a JVM of the cluster's machine: {@code java [JVM options] args}, in {@code workDir}, its
   * output in {@code log}; killed with the cluster.
   */
  Process start(String name, List<String> args, Path workDir, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.add("-Djava.io.tmpdir=" + tmp());
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("SPARK_HOME", sparkHome.toString());
    env.put("SPARK_SCALA_VERSION", "2.13"); // the launcher's check when there is no build folder
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.remove("SPARK_CONF_DIR");
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  /** The executor JVMs running now (children of the Workers). */
  List<ProcessHandle> executors() {
    return processes.stream().flatMap(p -> p.descendants()).filter(ProcessHandle::isAlive)
        .filter(h -> h.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend")).toList();
  }

  /** Kills every process started here and their children (executors), SIGKILL, and waits for them. */
  @Override
  public void close() {
    killAll();
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or ran: nothing left to remove
    }
  }

  private void killAll() {
    for (Process p : processes) {
      List<ProcessHandle> children = p.descendants().toList();
      children.forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      for (ProcessHandle c : children) {
        c.onExit().completeOnTimeout(c, 30, TimeUnit.SECONDS).join();
      }
      try {
        p.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Polls {@code done} every 100 ms until it holds, failing after {@code timeout}. */
  static void await(Duration timeout, String what, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  /** A file's text, empty while it does not exist. */
  static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "";
    }
  }

  /** The first match of {@code pattern}'s group 1 in {@code text}. */
  static Optional<String> find(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }
}
