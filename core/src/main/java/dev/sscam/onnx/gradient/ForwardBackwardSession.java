package dev.sscam.onnx.gradient;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.sscam.SscamException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Sessions over {@link ForwardBackwardGraph merged} graphs, one per batch size: the model's forward
 * pass and its head's gradient in one ONNX Runtime run.
 *
 * <p>A batch size gets its merged session the second time it is seen (a one-image {@code explain}
 * does not pay for building it), from the gradient graph the two-session path ran for it (the
 * pruned one where there is one). Each merged session holds its own copy of the model's weights, so
 * only {@link #MAX_SHAPES} batch sizes get one, and none for a model over {@link #MAX_MODEL_BYTES}.
 * Where merging fails (an op the opset upgrade does not know), the two sessions keep running: the
 * gradient is the same either way.
 */
public final class ForwardBackwardSession implements AutoCloseable {
  /** The most batch sizes that get a merged session. */
  static final int MAX_SHAPES = 4;
  /** Models larger than this (serialized) are not copied into merged sessions. */
  static final long MAX_MODEL_BYTES = 256L << 20;

  private final OrtEnvironment env;
  private final ModelProto model;
  private final String input;
  private final String logits;
  private final int numClasses;
  private final Supplier<OrtSession.SessionOptions> options;
  private final Map<Integer, Integer> sightings = new HashMap<>();
  private final Map<Integer, Compiled> sessions = new HashMap<>();
  private boolean closed;

  private record Compiled(ForwardBackwardGraph.Merged merged, String activation, OrtSession session) {}

  /** What one merged run gives, copied to the heap, for the whole fed batch (padding rows included). */
  public record Outputs(float[] logits, float[] activation, float[] gradient, long[] topOne) {}

  /**
   * @param model the model; {@code input} its image input, {@code logits} its [N, C] output
   * @param options makes the options of each session (closed here after use)
   */
  public ForwardBackwardSession(OrtEnvironment env, ModelProto model, String input, String logits, int numClasses,
      Supplier<OrtSession.SessionOptions> options) {
    this.env = env;
    this.model = model;
    this.input = input;
    this.logits = logits;
    this.numClasses = numClasses;
    this.options = options;
  }

  /**
   * Notes that a batch of {@code n} images ran in two sessions, with {@code graph} as the gradient
   * graph; the second time, builds the merged session for {@code n} from it.
   */
  public synchronized void sighted(int n, Supplier<GradientGraph> graph) {
    if (closed || sessions.containsKey(n) || model.getSerializedSize() > MAX_MODEL_BYTES) {
      return;
    }
    int seen = sightings.merge(n, 1, Integer::sum);
    if (seen < 2) {
      return;
    }
    if (sessions.values().stream().filter(c -> c != null).count() >= MAX_SHAPES) {
      sessions.put(n, null);
      return;
    }
    sessions.put(n, compile(graph.get()));
  }

  /** How many batch sizes have a merged session. */
  public synchronized int mergedShapes() {
    return (int) sessions.values().stream().filter(c -> c != null).count();
  }

  private Compiled compile(GradientGraph graph) {
    try (OrtSession.SessionOptions o = options.get()) {
      ForwardBackwardGraph.Merged m = ForwardBackwardGraph.merge(model, logits, numClasses, graph);
      return new Compiled(m, graph.activationInput(), env.createSession(m.model().toByteArray(), o));
    } catch (OrtException | RuntimeException e) {
      // The two sessions give the same gradient; merging is only a shortcut.
      return null;
    }
  }

  /**
   * Runs the merged graph for a batch of {@code n}, when {@code n} has a merged session.
   *
   * @param image the batch, [n, 3, H, W]; not closed here
   * @param givenSeed [n, C]: one-hot rows for the images whose class is known, zero rows otherwise
   * @param topOne [n]: 1 for the images whose top-1 class is to be seeded, else 0
   * @param firstTopOne [n]: 1 for the images to be seeded with the first image's top-1 class, else 0
   * @return empty when {@code n} has no merged session (run the two sessions)
   */
  public Optional<Outputs> run(OnnxTensor image, int n, float[] givenSeed, float[] topOne, float[] firstTopOne) {
    Compiled c;
    synchronized (this) {
      c = closed ? null : sessions.get(n);
    }
    if (c == null) {
      return Optional.empty();
    }
    ForwardBackwardGraph.Merged m = c.merged();
    try (OnnxTensor seed = OnnxTensor.createTensor(env, FloatBuffer.wrap(givenSeed), new long[] {n, numClasses});
        OnnxTensor top = OnnxTensor.createTensor(env, FloatBuffer.wrap(topOne), new long[] {n, 1});
        OnnxTensor first = OnnxTensor.createTensor(env, FloatBuffer.wrap(firstTopOne), new long[] {n, 1});
        OrtSession.Result r = c.session().run(
            Map.of(input, image, m.givenSeed(), seed, m.topOne(), top, m.firstTopOne(), first),
            Set.of(logits, c.activation(), m.gradient(), m.seededTopOne()))) {
      LongBuffer classes = ((OnnxTensor) r.get(m.seededTopOne()).orElseThrow()).getLongBuffer();
      long[] topOneClasses = new long[classes.remaining()];
      classes.get(topOneClasses);
      return Optional.of(new Outputs(floats(r, logits), floats(r, c.activation()), floats(r, m.gradient()),
          topOneClasses));
    } catch (OrtException e) {
      throw new SscamException("ONNX Runtime failed computing gradients: " + e.getMessage(), e);
    }
  }

  private static float[] floats(OrtSession.Result r, String name) {
    FloatBuffer b = ((OnnxTensor) r.get(name).orElseThrow()).getFloatBuffer();
    float[] out = new float[b.remaining()];
    b.get(out);
    return out;
  }

  /** Closes every merged session. */
  @Override
  public synchronized void close() {
    closed = true;
    SscamException failure = null;
    for (Compiled c : sessions.values()) {
      if (c == null) {
        continue;
      }
      try {
        c.session().close();
      } catch (OrtException e) {
        failure = new SscamException("could not close a merged gradient session: " + e.getMessage(), e);
      }
    }
    sessions.clear();
    if (failure != null) {
      throw failure;
    }
  }
}
