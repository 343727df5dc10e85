package dev.sscam.onnx.gradient;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.sscam.SscamException;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * An ONNX Runtime session over a compiled {@link GradientGraph}. Each call of {@link #gradient}
 * runs the head forward and backward for a batch and returns
 * {@code dL/dA = Σ_{n,c} seed[n,c] · ∂z[n,c]/∂A}; since samples do not interact in a classifier
 * head, slice n of the result is {@code Σ_c seed[n,c] · ∂z[n,c]/∂A[n]}.
 *
 * <p>Made with {@link #pruning}, it also compiles, for each set of input shapes it meets, the head
 * pruned to what its output reads ({@link RegionPruning}): a class-token head then runs its MLP on
 * one token instead of all of them. Where pruning changes nothing (a pooled CNN head) or cannot be
 * compiled, the general graph runs; the gradient is the same either way.
 */
public final class HeadGradientSession implements AutoCloseable {
  private final OrtEnvironment env;
  private final GradientGraph graph;
  private final OrtSession session;
  private final HeadForward head;
  private final Supplier<OrtSession.SessionOptions> options;
  /** Per input shapes: the pruned graph and its session, or {@link #GENERAL}. */
  private final Map<String, Pruned> pruned = new HashMap<>();
  private static final Pruned GENERAL = new Pruned(null, null);
  /** The most input shapes that get a pruned graph; the others run the general one. */
  static final int MAX_PRUNED_SHAPES = 8;

  private record Pruned(GradientGraph graph, OrtSession session) {}

  /** Creates the session (from the compiled model's bytes) with the given options. */
  public HeadGradientSession(OrtEnvironment env, GradientGraph graph, OrtSession.SessionOptions options) {
    this(env, graph, options, null, null);
  }

  private HeadGradientSession(OrtEnvironment env, GradientGraph graph, OrtSession.SessionOptions options,
      HeadForward head, Supplier<OrtSession.SessionOptions> later) {
    this.env = env;
    this.graph = graph;
    this.head = head;
    this.options = later;
    try {
      this.session = env.createSession(graph.model().toByteArray(), options);
    } catch (OrtException e) {
      throw new SscamException("ONNX Runtime could not load the compiled head gradient: " + e.getMessage(), e);
    }
  }

  /**
   * A session over {@code graph} that also runs {@code head} (the same cut, forward only) pruned to
   * what its output reads, compiled once per set of input shapes.
   *
   * @param options makes the options of each session (closed here after use)
   */
  public static HeadGradientSession pruning(OrtEnvironment env, GradientGraph graph, HeadForward head,
      Supplier<OrtSession.SessionOptions> options) {
    try (OrtSession.SessionOptions o = options.get()) {
      return new HeadGradientSession(env, graph, o, head, options);
    }
  }

  /** How many input shapes got a pruned graph (the others run the general one). */
  synchronized int prunedShapes() {
    return (int) pruned.values().stream().filter(p -> p != GENERAL).count();
  }

  /** The pruned graph for the feeds' shapes, compiled on first sight; {@link #GENERAL} when none. */
  private Pruned prunedFor(Map<String, OnnxTensor> feeds) {
    if (head == null) {
      return GENERAL;
    }
    StringBuilder key = new StringBuilder();
    key.append(Arrays.toString(feeds.get(graph.activationInput()).getInfo().getShape()));
    for (String side : graph.sideInputs()) {
      key.append(Arrays.toString(feeds.get(side).getInfo().getShape()));
    }
    synchronized (this) {
      Pruned known = pruned.get(key.toString());
      if (known != null) {
        return known;
      }
      // Each pruned session holds its own copy of the head's weights: a few batch sizes are worth it
      // (one image, the batch, the last partial batch), an unbounded number is not.
      Pruned made = prunedShapes() < MAX_PRUNED_SHAPES ? compilePruned(feeds) : GENERAL;
      pruned.put(key.toString(), made);
      return made;
    }
  }

  private Pruned compilePruned(Map<String, OnnxTensor> feeds) {
    try (OrtSession.SessionOptions o = options.get()) {
      HeadShapes shapes = HeadShapes.probe(env, head.model(), feeds, o);
      Optional<RegionPruning.Pruned> p = RegionPruning.prune(head.model(), shapes);
      if (p.isEmpty()) {
        return GENERAL;
      }
      // The general graph's forward values are fed: the pruned head reads those it keeps whole.
      Map<String, long[]> fedShapes = new HashMap<>();
      for (String name : graph.forwardValues()) {
        fedShapes.put(name, feeds.get(name).getInfo().getShape());
      }
      GradientGraph g = HeadGradient.compile(p.get().model(), head.activationInput(), head.output(), true,
          p.get().shapes(), (name, shape) -> shape != null && Arrays.equals(fedShapes.get(name), shape));
      return new Pruned(g, env.createSession(g.model().toByteArray(), o));
    } catch (OrtException | RuntimeException e) {
      // The general graph gives the same gradient; pruning is only a shortcut.
      return GENERAL;
    }
  }

  /**
   * The graph that {@link #gradient} runs for these feeds: the pruned one for their shapes where
   * there is one, else the general one.
   */
  public GradientGraph graphFor(Map<String, OnnxTensor> feeds) {
    Pruned p = prunedFor(feeds);
    return p == GENERAL ? graph : p.graph();
  }

  /** The compiled graph this session runs. */
  public GradientGraph graph() {
    return graph;
  }

  /**
   * Runs forward and backward for a batch.
   *
   * @param feeds A under {@link GradientGraph#activationInput()}, every side input and forward value; not closed
   *     here (they belong to the caller)
   * @param seed {@code dL/dz} flattened row-major as [n, numClasses], e.g. one-hot rows
   * @return {@code dL/dA} flattened row-major, same shape as A
   */
  public float[] gradient(Map<String, OnnxTensor> feeds, float[] seed, int n, int numClasses) {
    if (seed.length != (long) n * numClasses) {
      throw new IllegalArgumentException("seed has " + seed.length + " values, expected " + n + "x" + numClasses);
    }
    if (!feeds.containsKey(graph.activationInput())) {
      throw new IllegalArgumentException("feeds lack the activation input " + graph.activationInput());
    }
    for (String fed : graph.forwardFeeds()) {
      if (!feeds.containsKey(fed)) {
        throw new IllegalArgumentException("feeds lack the forward run's " + fed);
      }
    }
    Pruned p = prunedFor(feeds);
    GradientGraph g = p == GENERAL ? graph : p.graph();
    OrtSession s = p == GENERAL ? session : p.session();
    try (OnnxTensor seedTensor =
        OnnxTensor.createTensor(env, FloatBuffer.wrap(seed), new long[] {n, numClasses})) {
      Map<String, OnnxTensor> all = new HashMap<>();
      all.put(g.activationInput(), feeds.get(g.activationInput()));
      for (String fed : g.forwardFeeds()) {
        all.put(fed, feeds.get(fed));
      }
      all.put(g.seedInput(), seedTensor);
      try (OrtSession.Result result = s.run(all, Set.of(g.gradientOutput()))) {
        OnnxValue value = result.get(g.gradientOutput())
            .orElseThrow(() -> new IllegalStateException("no gradient output"));
        FloatBuffer buffer = ((OnnxTensor) value).getFloatBuffer();
        float[] out = new float[buffer.remaining()];
        buffer.get(out);
        return out;
      }
    } catch (OrtException e) {
      throw new SscamException("ONNX Runtime failed running the head gradient: " + e.getMessage(), e);
    }
  }

  /** Closes the session. */
  @Override
  public synchronized void close() {
    try {
      for (Pruned p : pruned.values()) {
        if (p.session() != null) {
          p.session().close();
        }
      }
      pruned.clear();
      session.close();
    } catch (OrtException e) {
      throw new SscamException("could not close the head gradient session: " + e.getMessage(), e);
    }
  }
}
