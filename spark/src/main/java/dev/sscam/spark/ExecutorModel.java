package dev.sscam.spark;

import dev.sscam.InputUnreachableException;
import dev.sscam.SscamException;
import dev.sscam.model.ModelCard;
import dev.sscam.model.OnnxClassifier;
import dev.sscam.onnx.OnnxModelFile;
import dev.sscam.onnx.OrtNativeFolders;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model, loaded once per executor JVM and shared by all its tasks (ONNX Runtime sessions may be
 * run from several threads). Keyed by model URI, SHA-256, batch size and thread count, so a second
 * job in the same JVM with another model gets its own. Closed when the JVM exits.
 *
 * <p><b>Threads.</b> With {@code spark.task.cpus} = T the classifier's ONNX Runtime sessions (the
 * model, the model with the target layer as an output, and for the gradient methods the forward and
 * gradient graphs) are each opened with T intra-op threads. ONNX Runtime counts the calling thread
 * among them, so each session owns a pool of T − 1 threads, and the executor's concurrent tasks
 * (C / T of them on C cores) share the one classifier and so its pools: a pass computes on its task's
 * own thread plus the pool of the session it runs, which other tasks may be using too. T = 1 gives
 * no pools: C tasks compute on C threads, one per core. T &gt; 1 with several tasks per executor does
 * not give each task T threads (C = 8, T = 2: 4 tasks and, on one session, 1 pool thread); it does
 * with one task per executor ({@code spark.executor.cores} = T). Tested by {@code ExecutorThreadsTest}.
 *
 * <p>The first use in a JVM also removes the ONNX Runtime native folders that killed JVMs left in
 * the temp folder ({@link OrtNativeFolders}).
 */
final class ExecutorModel {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorModel.class);
  private static final Map<String, OnnxClassifier> MODELS = new ConcurrentHashMap<>();
  private static final AtomicInteger LOADS = new AtomicInteger();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> MODELS.values().forEach(OnnxClassifier::close)));
    // Executors killed with SIGKILL (lost, OOM-killed) leave ONNX Runtime's extracted natives (~20 MB
    // each) in the node's temp folder; each new executor JVM clears those whose JVM is gone.
    try {
      List<Path> removed = OrtNativeFolders.removeStale();
      if (!removed.isEmpty()) {
        LOG.info("removed {} ONNX Runtime native folder(s) of JVMs that were killed: {}", removed.size(), removed);
      }
    } catch (RuntimeException e) {
      LOG.warn("could not clear stale ONNX Runtime native folders: {}", e.toString()); // never fails a task
    }
  }

  private ExecutorModel() {}

  /**
   * The model of {@code s} with {@code threads} ONNX Runtime threads, loaded on first use in
   * this JVM.
   */
  static OnnxClassifier get(JobSettings s, int threads, Configuration conf) {
    String key = s.model() + "#" + s.modelSha256() + "#b" + s.batchSize() + "#t" + threads;
    return MODELS.computeIfAbsent(key, k -> load(s, threads, conf));
  }

  /** How many times a model was loaded in this JVM (what "once per executor" is checked by). */
  static int loads() {
    return LOADS.get();
  }

  private static OnnxClassifier load(JobSettings s, int threads, Configuration conf) {
    Path file = local(s, conf);
    OnnxModelFile model = OnnxModelFile.load(file);
    if (!model.sha256().equals(s.modelSha256())) {
      throw new SscamException(s.model() + " changed since the driver read it (SHA-256 " + model.sha256()
          + ", expected " + s.modelSha256() + ")");
    }
    LOADS.incrementAndGet();
    return OnnxClassifier.open(model, ModelCard.besides(file).orElse(null), s.batchSize(), threads);
  }

  /**
   * The model file on this machine: itself for {@code file:}, else fetched with its card into a
   * cache folder named by URI and hash (so a changed remote model is fetched anew).
   */
  static Path local(JobSettings s, Configuration conf) {
    if (HadoopStorage.isLocal(s.model())) {
      Path file = Path.of(s.model());
      if (!Files.isReadable(file)) {
        // the driver read it: this node does not see the same path
        throw new InputUnreachableException(file.toString(), "model " + file + " is not readable on this node");
      }
      return file;
    }
    return fetch(s.model(), HadoopStorage.cacheFor(URI.create(s.model() + "#" + s.modelSha256())), conf);
  }

  /**
   * The model file for the driver, which reads its hash and card: itself for {@code file:}, else
   * fetched anew.
   */
  static Path local(URI model, Configuration conf) {
    if (HadoopStorage.isLocal(model)) {
      return Path.of(model);
    }
    Path dir = HadoopStorage.cacheFor(URI.create(model + "#driver"));
    try {
      HadoopStorage.deleteTree(dir);
    } catch (java.io.IOException e) {
      throw new SscamException("cannot clear " + dir + ": " + e.getMessage());
    }
    return fetch(model, dir, conf);
  }

  /** Fetches the model and its card (if there is one) into {@code dir}, unless already there. */
  private static Path fetch(URI model, Path dir, Configuration conf) {
    Path file = dir.resolve(new org.apache.hadoop.fs.Path(model).getName());
    if (!Files.exists(file) && !HadoopStorage.fetch(model, file, conf)) {
      throw new InputUnreachableException(model.toString(), model + " does not exist");
    }
    Path card = ModelCard.cardPath(file);
    if (!Files.exists(card)) {
      HadoopStorage.fetch(cardUri(model), card, conf); // optional: without it, ImageNet defaults
    }
    return file;
  }

  /** The card's URI: {@code NAME.json} beside {@code NAME.onnx}. */
  static URI cardUri(URI model) {
    String name = ModelCard.cardPath(Path.of(new org.apache.hadoop.fs.Path(model).getName())).getFileName().toString();
    return model.resolve(name);
  }
}
