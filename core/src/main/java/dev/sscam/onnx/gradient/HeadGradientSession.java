package dev.sscam.onnx.gradient;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.sscam.SscamException;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX Runtime session over a compiled {@link GradientGraph}. Each call of {@link #gradient}
 * runs the head forward and backward for a batch and returns
 * {@code dL/dA = Σ_{n,c} seed[n,c] · ∂z[n,c]/∂A}; since samples do not interact in a classifier
 * head, slice n of the result is {@code Σ_c seed[n,c] · ∂z[n,c]/∂A[n]}.
 */
public final class HeadGradientSession implements AutoCloseable {
  private final OrtEnvironment env;
  private final GradientGraph graph;
  private final OrtSession session;

  /** Creates the session (from the compiled model's bytes) with the given options. */
  public HeadGradientSession(OrtEnvironment env, GradientGraph graph, OrtSession.SessionOptions options) {
    this.env = env;
    this.graph = graph;
    try {
      this.session = env.createSession(graph.model().toByteArray(), options);
    } catch (OrtException e) {
      throw new SscamException("ONNX Runtime could not load the compiled head gradient: " + e.getMessage(), e);
    }
  }

  /** The compiled graph this session runs. */
  public GradientGraph graph() {
    return graph;
  }

  /**
   * Runs forward and backward for a batch.
   *
   * @param feeds A under {@link GradientGraph#activationInput()} and every side input; not closed
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
    for (String side : graph.sideInputs()) {
      if (!feeds.containsKey(side)) {
        throw new IllegalArgumentException("feeds lack the side input " + side);
      }
    }
    try (OnnxTensor seedTensor =
        OnnxTensor.createTensor(env, FloatBuffer.wrap(seed), new long[] {n, numClasses})) {
      Map<String, OnnxTensor> all = new HashMap<>(feeds);
      all.put(graph.seedInput(), seedTensor);
      try (OrtSession.Result result = session.run(all, Set.of(graph.gradientOutput()))) {
        OnnxValue value = result.get(graph.gradientOutput())
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
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new SscamException("could not close the head gradient session: " + e.getMessage(), e);
    }
  }
}
