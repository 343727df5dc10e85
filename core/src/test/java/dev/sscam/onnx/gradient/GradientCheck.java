package dev.sscam.onnx.gradient;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Checks a compiled head gradient against central finite differences of the ORIGINAL model run
 * forward in ONNX Runtime: for L(A) = Σ seed ⊙ z(A) (seed random per sample and class, summed in
 * double), {@code fd_j = (L(A + h e_j) − L(A − h e_j)) / 2h} for every element j of A.
 */
final class GradientCheck {
  static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

  /** A float tensor: row-major values and shape. */
  record Tensor(float[] data, long[] shape) {
    OnnxTensor create() throws OrtException {
      return OnnxTensor.createTensor(ENV, FloatBuffer.wrap(data), shape);
    }
  }

  /** Outcome: the compiled gradient, the finite differences and their largest disagreement. */
  record Result(float[] analytic, double[] fd, double maxAbsError, double maxAbsFd, int numClasses) {
    /** max |analytic − fd| / max |fd|. */
    double relativeError() {
      return maxAbsError / maxAbsFd;
    }
  }

  private GradientCheck() {}

  /** Random values in [-1, 1] whose pairwise gaps are at least 1/size (no ties, no zeros). */
  static float[] separated(int size, long seed) {
    Random r = new Random(seed);
    int[] perm = new int[size];
    for (int i = 0; i < size; i++) {
      perm[i] = i;
    }
    for (int i = size - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    float[] v = new float[size];
    for (int i = 0; i < size; i++) {
      // grid k + 0.5 mapped to [-1, 1]: never 0, gaps 2/size
      v[i] = (float) (((perm[i] + 0.5) / size) * 2 - 1);
    }
    return v;
  }

  /** Gaussian values with standard deviation {@code scale}. */
  static float[] gaussian(int size, double scale, long seed) {
    Random r = new Random(seed);
    float[] v = new float[size];
    for (int i = 0; i < size; i++) {
      v[i] = (float) (r.nextGaussian() * scale);
    }
    return v;
  }

  static int count(long... dims) {
    long n = 1;
    for (long d : dims) {
      n *= d;
    }
    return (int) n;
  }

  /**
   * Compiles {@code model}'s head from {@code target} to {@code output}, runs it on {@code a} (plus
   * {@code sides}) with a random seed, and compares with finite differences (step h) of the
   * original model, whose graph inputs must be the target and the side inputs.
   */
  static Result check(ModelProto model, String target, Tensor a, Map<String, Tensor> sides, String output,
      double h, long seedValue) throws OrtException {
    GradientGraph g = HeadGradient.compile(model, target, output);
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        OrtSession forward = ENV.createSession(model.toByteArray(), opts)) {
      long[] zShape = forwardShape(forward, target, a, sides, output);
      int n = (int) zShape[0];
      int numClasses = count(zShape) / n;
      float[] seed = gaussian(n * numClasses, 1.0, seedValue);
      float[] analytic = compiledGradient(g, a, sides, seed, n, numClasses);
      double[] fd = centralDifferences(forward, target, a, sides, output, seed, h);
      return compare(analytic, fd, numClasses);
    }
  }

  /** A check of a pruned head: the comparison, and how many input shapes got a pruned graph. */
  record PrunedResult(Result result, int prunedShapes) {}

  /**
   * As {@link #check}, with the gradient from {@link HeadGradientSession#pruning}: the head cut
   * from {@code model}, pruned to what its output reads for these input shapes and compiled. The
   * finite differences are still those of the original model.
   */
  static PrunedResult checkPruned(ModelProto model, String target, Tensor a, Map<String, Tensor> sides,
      String output, double h, long seedValue) throws OrtException {
    GradientGraph g = HeadGradient.compile(model, target, output);
    HeadForward head = HeadForward.extract(model, target, output);
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        OrtSession forward = ENV.createSession(model.toByteArray(), opts);
        HeadGradientSession session = HeadGradientSession.pruning(ENV, g, head, OrtSession.SessionOptions::new)) {
      long[] zShape = forwardShape(forward, target, a, sides, output);
      int n = (int) zShape[0];
      int numClasses = count(zShape) / n;
      float[] seed = gaussian(n * numClasses, 1.0, seedValue);
      Map<String, Tensor> inputs = new LinkedHashMap<>(sides);
      inputs.put(target, a);
      float[] analytic = gradient(session, inputs, seed, n, numClasses);
      double[] fd = centralDifferences(forward, target, a, sides, output, seed, h);
      return new PrunedResult(compare(analytic, fd, numClasses), session.prunedShapes());
    }
  }

  /** Compares a gradient with finite differences. */
  static Result compare(float[] analytic, double[] fd, int numClasses) {
    if (analytic.length != fd.length) {
      throw new AssertionError("gradient has " + analytic.length + " values, A has " + fd.length);
    }
    double maxErr = 0;
    double maxFd = 0;
    for (int j = 0; j < fd.length; j++) {
      maxErr = Math.max(maxErr, Math.abs(fd[j] - analytic[j]));
      maxFd = Math.max(maxFd, Math.abs(fd[j]));
    }
    return new Result(analytic, fd, maxErr, maxFd, numClasses);
  }

  /** Runs the compiled gradient through {@link HeadGradientSession} (side inputs and forward values from {@code sides}). */
  static float[] compiledGradient(GradientGraph g, Tensor a, Map<String, Tensor> sides, float[] seed, int n,
      int numClasses) throws OrtException {
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        HeadGradientSession session = new HeadGradientSession(ENV, g, opts)) {
      Map<String, Tensor> inputs = new LinkedHashMap<>();
      inputs.put(g.activationInput(), a);
      for (String fed : g.forwardFeeds()) {
        inputs.put(fed, sides.get(fed));
      }
      return gradient(session, inputs, seed, n, numClasses);
    }
  }

  /**
   * Two gradients of the same head, computed two ways, differ by float rounding only: at most 1e-4
   * of the larger's peak, and that peak is not negligible (so that a zero gradient cannot pass).
   */
  static void assertSameGradient(float[] actual, float[] expected) {
    double maxAbs = 0;
    double maxDiff = 0;
    for (int i = 0; i < expected.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
      maxDiff = Math.max(maxDiff, Math.abs(expected[i] - actual[i]));
    }
    assertThat(actual).hasSameSizeAs(expected);
    assertThat(maxAbs).isGreaterThan(1e-5);
    assertThat(maxDiff / maxAbs).as("float rounding only").isLessThan(1e-4);
  }

  /** {@code session}'s gradient for {@code inputs} (A and side inputs by name), their tensors closed after. */
  static float[] gradient(HeadGradientSession session, Map<String, Tensor> inputs, float[] seed, int n,
      int numClasses) throws OrtException {
    Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
    try {
      for (var e : inputs.entrySet()) {
        feeds.put(e.getKey(), e.getValue().create());
      }
      return session.gradient(feeds, seed, n, numClasses);
    } finally {
      for (OnnxTensor t : feeds.values()) {
        t.close();
      }
    }
  }

  /**
   * {@code fd_j = (L(A + h e_j) − L(A − h e_j)) / (actual float step)} with
   * {@code L = Σ seed ⊙ output} in double, {@code fixed} fed unchanged.
   */
  static double[] centralDifferences(OrtSession forward, String target, Tensor a, Map<String, Tensor> fixed,
      String output, float[] seed, double h) throws OrtException {
    float[] x = a.data().clone();
    double[] fd = new double[x.length];
    for (int j = 0; j < x.length; j++) {
      float orig = x[j];
      x[j] = (float) (orig + h);
      double plus = loss(forward, target, new Tensor(x, a.shape()), fixed, output, seed);
      x[j] = (float) (orig - h);
      double minus = loss(forward, target, new Tensor(x, a.shape()), fixed, output, seed);
      x[j] = orig;
      // the actual step is what float32 could represent
      double step = ((double) (float) (orig + h)) - ((double) (float) (orig - h));
      fd[j] = (plus - minus) / step;
    }
    return fd;
  }

  static long[] forwardShape(OrtSession s, String target, Tensor a, Map<String, Tensor> sides, String output)
      throws OrtException {
    try (Run run = new Run(s, target, a, sides, output)) {
      return run.tensor().getInfo().getShape();
    }
  }

  static double loss(OrtSession s, String target, Tensor a, Map<String, Tensor> sides, String output, float[] seed)
      throws OrtException {
    try (Run run = new Run(s, target, a, sides, output)) {
      FloatBuffer z = run.tensor().getFloatBuffer();
      double sum = 0;
      for (int i = 0; i < seed.length; i++) {
        sum += (double) seed[i] * z.get(i);
      }
      return sum;
    }
  }

  /** Runs a session on A and side inputs, returns one output. */
  static float[] run(OrtSession s, Map<String, Tensor> inputs, String output) throws OrtException {
    Map<String, OnnxTensor> feeds = new HashMap<>();
    try {
      for (var e : inputs.entrySet()) {
        feeds.put(e.getKey(), e.getValue().create());
      }
      try (OrtSession.Result r = s.run(feeds, java.util.Set.of(output))) {
        FloatBuffer b = ((OnnxTensor) r.get(output).get()).getFloatBuffer();
        float[] out = new float[b.remaining()];
        b.get(out);
        return out;
      }
    } finally {
      for (OnnxTensor t : feeds.values()) {
        t.close();
      }
    }
  }

  /** One forward run holding its tensors until closed. */
  private static final class Run implements AutoCloseable {
    private final Map<String, OnnxTensor> feeds = new HashMap<>();
    private final OrtSession.Result result;
    private final String output;

    Run(OrtSession s, String target, Tensor a, Map<String, Tensor> sides, String output) throws OrtException {
      this.output = output;
      feeds.put(target, a.create());
      for (var e : sides.entrySet()) {
        feeds.put(e.getKey(), e.getValue().create());
      }
      result = s.run(feeds, java.util.Set.of(output));
    }

    OnnxTensor tensor() {
      return (OnnxTensor) result.get(output).get();
    }

    @Override
    public void close() {
      result.close();
      for (OnnxTensor t : feeds.values()) {
        t.close();
      }
    }
  }
}
