package dev.sscam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load test, bounded and on loopback only: {@code sscam serve} in its own JVM (heap at most 512 MB) on the
 * bundled model, {@value #CLIENTS} concurrent clients posting Grad-CAM explanations of the bundled
 * examples for {@code -Dsscam.load.seconds} seconds (default {@value #DEFAULT_SECONDS}; the README's
 * figures are from 60), a client that gets 503 waiting its Retry-After. Then {@code kill -9} while the
 * clients still send, and a restart that serves again. Against it, the single-thread CLI: {@code sscam
 * explain --threads 1} of the same images, one map after another.
 *
 * <p>Asserts correctness only (the machine is shared and noisy): no answer but 200 or 503 under load,
 * resident memory at the end less than the memory after warm-up plus the heap's
 * whole cap (512 MB: a native leak, an unclosed tensor per map, grows past it), the restarted server
 * serving. The figures (maps/s against the CLI, p50/p99 latency, 503s, RSS) are printed and written to
 * {@code target/serve-load.json}.
 */
class ServeLoadTest {
  static final int CLIENTS = 50;
  static final int DEFAULT_SECONDS = 10;
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @BeforeAll
  static void home() {
    CliTest.home();
  }

  @Test
  void fiftyClientsThenKillMinus9ThenARestartThatServes() throws Exception {
    int seconds = Integer.getInteger("sscam.load.seconds", DEFAULT_SECONDS);
    List<Path> images;
    try (Stream<Path> s = Files.list(BundledExample.image().getParent())) {
      images = s.sorted().toList();
    }
    List<byte[]> bodies = new ArrayList<>();
    for (Path p : images) {
      bodies.add(Files.readAllBytes(p));
    }

    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("clients", CLIENTS);
    figures.put("seconds", seconds);
    figures.put("method", "grad-cam");
    figures.put("cores", Runtime.getRuntime().availableProcessors());
    figures.put("cli", cliBaseline(images));

    Server server = Server.start(tmp);
    long rssStart;
    Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
    List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
    List<Long> rss = Collections.synchronizedList(new ArrayList<>());
    LongAdder failures = new LongAdder();
    AtomicBoolean loadOn = new AtomicBoolean(true);
    AtomicBoolean killed = new AtomicBoolean(false);
    try {
      // warm-up: the first maps load the layer's sessions
      for (int i = 0; i < 3; i++) {
        assertThat(server.explain(bodies.get(i)).statusCode()).isEqualTo(200);
      }
      rssStart = server.rssKb();
      CountDownLatch stopped = new CountDownLatch(CLIENTS);
      long t0 = System.nanoTime();
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        Thread t = new Thread(() -> {
          try {
            for (int k = client; loadOn.get(); k++) {
              long r0 = System.nanoTime();
              try {
                HttpResponse<byte[]> r = server.explain(bodies.get(k % bodies.size()));
                if (!loadOn.get() && killed.get()) {
                  break;
                }
                statuses.computeIfAbsent(r.statusCode(), x -> new LongAdder()).increment();
                if (r.statusCode() == 200) {
                  latencies.add((System.nanoTime() - r0) / 1e9);
                } else if (r.statusCode() == 503) {
                  long wait = Long.parseLong(r.headers().firstValue("Retry-After").orElse("1"));
                  Thread.sleep(Math.min(wait, 5) * 1000);
                } else {
                  failures.increment();
                  System.err.println("load: " + r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
                }
              } catch (IOException e) {
                if (!killed.get()) {
                  failures.increment();
                  System.err.println("load: " + e);
                }
              }
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            stopped.countDown();
          }
        }, "load-client-" + c);
        t.setDaemon(true);
        t.start();
      }
      while (System.nanoTime() - t0 < seconds * 1_000_000_000L) {
        Thread.sleep(1000);
        rss.add(server.rssKb());
      }
      double elapsed = (System.nanoTime() - t0) / 1e9;
      Map<Integer, Long> counted = new java.util.TreeMap<>();
      statuses.forEach((k, v) -> counted.put(k, v.sum()));
      long ok = counted.getOrDefault(200, 0L);
      long rssEnd = server.rssKb();
      // kill -9 while the clients still send
      killed.set(true);
      server.kill();
      loadOn.set(false);
      assertThat(stopped.await(5, TimeUnit.MINUTES)).isTrue();

      List<Double> sorted = new ArrayList<>(latencies);
      Collections.sort(sorted);
      Map<String, Object> load = new LinkedHashMap<>();
      load.put("answers_by_status", counted);
      load.put("other_failures", failures.sum());
      load.put("maps_per_second", ok / elapsed);
      load.put("p50_seconds", quantile(sorted, 0.5));
      load.put("p99_seconds", quantile(sorted, 0.99));
      load.put("rss_mb_after_warmup", rssStart / 1024);
      load.put("rss_mb_end", rssEnd / 1024);
      load.put("rss_mb_max", rss.stream().mapToLong(Long::longValue).max().orElse(rssEnd) / 1024);
      List<Long> series = new ArrayList<>();
      for (int i = 9; i < rss.size(); i += 10) {
        series.add(rss.get(i) / 1024);
      }
      load.put("rss_mb_every_10_s", series);
      figures.put("serve", load);
      figures.put("speedup_vs_cli", ok / elapsed / (Double) ((Map<?, ?>) figures.get("cli")).get("maps_per_second_steady"));

      assertThat(failures.sum()).as("answers other than 200 and 503 under load").isZero();
      assertThat(counted.keySet()).isSubsetOf(200, 503);
      assertThat(ok).isPositive();
      assertThat(rssEnd).as("resident memory (kB) after %d s of load against %d after warm-up", seconds, rssStart)
          .isLessThan(rssStart + 512 * 1024);
    } finally {
      server.kill();
    }
    assertThat(server.exitCode()).isEqualTo(137);

    // a restart serves again
    Server again = Server.start(tmp);
    try {
      HttpResponse<byte[]> r = again.explain(bodies.get(0));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(r.body()).get("maps").get(0).get("method").asText()).isEqualTo("grad-cam");
      assertThat(again.get("/healthz").statusCode()).isEqualTo(200);
      figures.put("restart_serves", true);
    } finally {
      again.kill();
    }
    String report = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(figures);
    System.out.println("serve load figures: " + report);
    Files.writeString(Path.of("target", "serve-load.json"), report);
  }

  /**
   * {@code sscam explain --threads 1} of every image with Grad-CAM in its own JVM: maps/s over its wall
   * time (JVM start and model load included) and over the maps' own seconds (steady state).
   */
  private Map<String, Object> cliBaseline(List<Path> images) throws Exception {
    List<String> cmd = new ArrayList<>(Server.java());
    cmd.add("explain");
    images.forEach(p -> cmd.add(p.toString()));
    cmd.addAll(List.of("--method", "grad-cam", "--threads", "1", "--json", "-q", "-o", tmp.resolve("cli").toString()));
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
    double wall = (System.nanoTime() - t0) / 1e9;
    assertThat(p.exitValue()).as(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
    double mapSeconds = 0;
    int maps = 0;
    for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
      if (line.startsWith("{")) {
        mapSeconds += JSON.readTree(line).get("seconds").asDouble();
        maps++;
      }
    }
    assertThat(maps).isEqualTo(images.size());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("maps", maps);
    m.put("wall_seconds", wall);
    m.put("maps_per_second_with_startup", maps / wall);
    m.put("maps_per_second_steady", maps / mapSeconds);
    return m;
  }

  private static Double quantile(List<Double> sorted, double q) {
    if (sorted.isEmpty()) {
      return null;
    }
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1)));
  }

  /** {@code sscam serve} in a child JVM. */
  static final class Server {
    final Process process;
    final String base;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private Server(Process process, String base) {
      this.process = process;
      this.base = base;
    }

    static List<String> java() {
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.add("-Xmx512m");
      cmd.add("-Dsscam.home=" + System.getProperty("sscam.home"));
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add(Main.class.getName());
      return cmd;
    }

    static Server start(Path tmp) throws IOException {
      List<String> cmd = java();
      cmd.addAll(List.of("serve", "--port", "0"));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = out.readLine()) != null && !line.startsWith("explorer: ")) {
        // log lines before the URL
      }
      assertThat(line).as("the server printed its URL").isNotNull();
      String base = line.substring("explorer: ".length()).trim();
      // keep draining its output so that it never blocks on a full pipe
      Thread drain = new Thread(() -> {
        try {
          while (out.readLine() != null) {
            // discarded
          }
        } catch (IOException ignored) {
          // the process is gone
        }
      });
      drain.setDaemon(true);
      drain.start();
      return new Server(p, base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
    }

    HttpResponse<byte[]> explain(byte[] image) throws IOException, InterruptedException {
      String boundary = "load" + System.nanoTime();
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"x.jpg\"\r\n\r\n")
          .getBytes(StandardCharsets.UTF_8));
      body.write(image);
      body.write(("\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"options\"\r\n\r\n"
          + "{\"method\": \"grad-cam\"}\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
      return http.send(HttpRequest.newBuilder(URI.create(base + "/v1/explain")).timeout(Duration.ofMinutes(5))
          .header("Content-Type", "multipart/form-data; boundary=" + boundary)
          .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
      return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Resident memory of the server process, kB (/proc/PID/status VmRSS). */
    long rssKb() throws IOException {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
      throw new IOException("no VmRSS for " + process.pid());
    }

    /** SIGKILL on Linux: no shutdown hook, no close. */
    void kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }

    int exitCode() {
      return process.exitValue();
    }
  }
}
