package dev.sscam.serve;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What {@code GET /metrics} reports: requests by status, explanation latency percentiles (over the last
 * {@link #WINDOW} explanations), maps per method, and the refusals of a full queue. Thread-safe.
 */
final class ServerMetrics {
  /** How many of the latest latencies the percentiles are taken over. */
  static final int WINDOW = 4096;

  private final LongAdder requests = new LongAdder();
  private final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> mapsByMethod = new ConcurrentHashMap<>();
  private final LongAdder queueFull = new LongAdder();
  private final double[] latencies = new double[WINDOW];
  private long latencyCount;
  private double latencySum;

  /** Counts one answered request. */
  void request(int status) {
    requests.increment();
    byStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
  }

  /** Counts one finished map of {@code method}. */
  void map(String method) {
    mapsByMethod.computeIfAbsent(method, m -> new LongAdder()).increment();
  }

  /** Counts one request refused because the queue was full. */
  void queueFull() {
    queueFull.increment();
  }

  /** Records the wall time of one explanation, from acceptance to its last map. */
  synchronized void latency(double seconds) {
    latencies[(int) (latencyCount % WINDOW)] = seconds;
    latencyCount++;
    latencySum += seconds;
  }

  /** Mean seconds of an explanation so far (0 before the first): the basis of Retry-After. */
  synchronized double meanLatency() {
    return latencyCount == 0 ? 0 : latencySum / latencyCount;
  }

  /** The {@code q}-quantile (0..1) of the recent latencies, nearest rank; NaN before the first. */
  synchronized double percentile(double q) {
    int n = (int) Math.min(latencyCount, WINDOW);
    if (n == 0) {
      return Double.NaN;
    }
    double[] sorted = Arrays.copyOf(latencies, n);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(q * n);
    return sorted[Math.max(0, Math.min(n - 1, rank - 1))];
  }

  /** The report, with the queue's current state. */
  Map<String, Object> report(int queued, int running, int capacity, int workers) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("requests", requests.sum());
    Map<String, Long> statuses = new TreeMap<>();
    byStatus.forEach((s, n) -> statuses.put(Integer.toString(s), n.sum()));
    m.put("requests_by_status", statuses);
    m.put("queue_length", queued);
    m.put("queue_capacity", capacity);
    m.put("running", running);
    m.put("workers", workers);
    m.put("rejected_queue_full", queueFull.sum());
    Map<String, Object> latency = new java.util.LinkedHashMap<>();
    synchronized (this) {
      latency.put("count", latencyCount);
      latency.put("window", Math.min(latencyCount, WINDOW));
    }
    latency.put("p50_seconds", finite(percentile(0.5)));
    latency.put("p90_seconds", finite(percentile(0.9)));
    latency.put("p99_seconds", finite(percentile(0.99)));
    m.put("latency", latency);
    Map<String, Long> maps = new TreeMap<>();
    mapsByMethod.forEach((k, n) -> maps.put(k, n.sum()));
    m.put("maps_by_method", maps);
    return m;
  }

  private static Double finite(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
