package dev.sscam.model;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.sscam.ModelUnsupportedException;
import dev.sscam.SscamException;
import dev.sscam.onnx.GraphSurgery;
import dev.sscam.onnx.OnnxModelFile;
import dev.sscam.onnx.gradient.ForwardBackwardSession;
import dev.sscam.onnx.gradient.GradientGraph;
import dev.sscam.onnx.gradient.HeadForward;
import dev.sscam.onnx.gradient.HeadGradient;
import dev.sscam.onnx.gradient.HeadGradientSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An image classifier running in ONNX Runtime: scores batches, exposes any candidate layer's
 * activations together with the logits of the same run.
 *
 * <p>Inputs are preprocessed images, flattened NCHW ({@code n × 3 × H × W} floats). Batches are cut
 * at {@link #batchSize()}; a model exported with a fixed batch dimension is fed in chunks of exactly
 * that size (the last one zero-padded). Not thread-confined: ONNX Runtime sessions may be run
 * concurrently. Close it to free the native sessions.
 *
 * <p>Opening checks the graph's signature ({@code ModelSignature}: one float image input
 * {@code N×3×H×W}, float scores {@code N×C}); every result is checked for NaN and ±Inf
 * ({@link NonFiniteOutputException}).
 */
public final class OnnxClassifier implements AutoCloseable {
  private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

  private final OnnxModelFile file;
  private final ModelCard card;
  private final String inputName;
  private final String outputName;
  private final int fixedBatch;
  private final int batchSize;
  private final int threads;
  private final OrtSession session;
  private final int numClasses;
  private final Map<String, OrtSession> layerSessions = new HashMap<>();
  private final Map<String, GradientPlan> gradientPlans = new HashMap<>();
  private final Map<String, HeadPlan> headPlans = new HashMap<>();
  private LayerCatalog catalog;
  /**
   * One reusable direct input buffer per thread: ONNX Runtime wraps a direct buffer without a copy,
   * whereas a heap array would be copied into a fresh direct buffer per batch, whose native memory
   * lingers until garbage collection (gigabytes over an SS-CAM map).
   */
  private final ThreadLocal<FloatBuffer> inputBuffer = new ThreadLocal<>();

  private OnnxClassifier(OnnxModelFile file, ModelCard card, int batchSize, int threads) {
    this.file = file;
    GraphProto g = file.proto().getGraph();
    this.inputName = ModelSignature.imageInput(g, card, file.path());
    ValueInfoProto input = g.getInputList().stream().filter(i -> i.getName().equals(inputName)).findFirst().orElseThrow();
    List<TensorShapeProto.Dimension> dims = input.getType().getTensorType().getShape().getDimList();
    if (dims.size() == 4 && dims.get(1).hasDimValue() && dims.get(1).getDimValue() != 3
        && dims.get(3).hasDimValue() && dims.get(3).getDimValue() == 3) {
      throw new SscamException("model input '" + inputName + "' is NHWC " + shapeText(dims)
          + "; sscam needs NCHW (re-export, e.g. tf2onnx --inputs-as-nchw " + inputName + ")");
    }
    int h = dims.get(2).hasDimValue() ? (int) dims.get(2).getDimValue() : -1;
    int w = dims.get(3).hasDimValue() ? (int) dims.get(3).getDimValue() : -1;
    if (card == null) {
      card = ModelCard.defaults(stem(file.path()), h > 0 ? h : 224, w > 0 ? w : 224);
    } else if ((h > 0 && h != card.height()) || (w > 0 && w != card.width())) {
      throw new SscamException("model card says input " + card.height() + "x" + card.width()
          + " but the model's input is " + h + "x" + w);
    }
    this.card = card;
    this.outputName = ModelSignature.scoreOutput(g, card, file.path());
    this.fixedBatch = dims.get(0).hasDimValue() && dims.get(0).getDimValue() > 0 ? (int) dims.get(0).getDimValue() : 0;
    this.batchSize = fixedBatch > 0 ? fixedBatch : batchSize;
    this.threads = threads;
    this.session = createSession(file.proto());
    try {
      this.numClasses = requireClasses(probeClasses());
    } catch (RuntimeException e) {
      closeQuietly();
      throw e;
    }
    if (!card.labels().isEmpty() && card.labels().size() != numClasses) {
      closeQuietly();
      throw new SscamException("model card lists " + card.labels().size() + " labels but the model outputs "
          + numClasses + " classes");
    }
  }

  /** Opens {@code model} with its card (or ImageNet defaults), batch size 16, all cores. */
  public static OnnxClassifier open(Path model) {
    return open(model, 16, 0);
  }

  /**
   * Opens {@code model} with its card beside it (or ImageNet defaults).
   *
   * @param batchSize images per forward pass (ignored for fixed-batch models)
   * @param threads ONNX Runtime intra-op threads, 0 for its default (one per core)
   */
  public static OnnxClassifier open(Path model, int batchSize, int threads) {
    OnnxModelFile file = OnnxModelFile.load(model);
    return open(file, ModelCard.besides(model).orElse(null), batchSize, threads);
  }

  /** Opens an already-read model with an explicit card (null for defaults). */
  public static OnnxClassifier open(OnnxModelFile file, ModelCard card, int batchSize, int threads) {
    if (batchSize < 1) {
      throw new SscamException("batch size must be at least 1, got " + batchSize);
    }
    return new OnnxClassifier(file, card, batchSize, threads);
  }

  /** The model file (path, inline proto, hash). */
  public OnnxModelFile file() {
    return file;
  }

  /** The model card in force (read or defaulted). */
  public ModelCard card() {
    return card;
  }

  /** Number of classes C. */
  public int numClasses() {
    return numClasses;
  }

  /** Images per forward pass. */
  public int batchSize() {
    return batchSize;
  }

  /** Floats in one preprocessed image: 3·H·W. */
  public int imageSize() {
    return 3 * card.height() * card.width();
  }

  /** Name of the graph input that receives the images. */
  public String inputName() {
    return inputName;
  }

  /** Name of the graph output holding the logits. */
  public String outputName() {
    return outputName;
  }

  /** The shared ONNX Runtime environment. */
  public static OrtEnvironment environment() {
    return ENV;
  }

  /** Session options used for every session of this classifier (caller closes them). */
  public OrtSession.SessionOptions sessionOptions() {
    try {
      OrtSession.SessionOptions o = new OrtSession.SessionOptions();
      o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      if (threads > 0) {
        o.setIntraOpNumThreads(threads);
      }
      if (!Boolean.getBoolean("sscam.ort.spin")) {
        // Spinning pool threads would steal the core that builds the next batch of masked inputs.
        o.addConfigEntry("session.intra_op.allow_spinning", "0");
      }
      return o;
    } catch (OrtException e) {
      throw new SscamException("cannot configure ONNX Runtime: " + e.getMessage(), e);
    }
  }

  /**
   * Logits {@code z = f(X)} of {@code n} preprocessed images.
   *
   * @param inputs {@code n × 3 × H × W} floats, NCHW
   * @return {@code [n][C]} logits
   * @throws NonFiniteOutputException when a logit is NaN or ±Inf (naming the image's place)
   */
  public float[][] logits(float[] inputs, int n) {
    checkInputs(inputs, n);
    float[][] out = new float[n][];
    for (int start = 0; start < n; start += batchSize) {
      int count = Math.min(batchSize, n - start);
      Map<String, float[]> r = run(session, inputs, start, count, List.of(outputName));
      float[] z = r.get(outputName);
      for (int i = 0; i < count; i++) {
        out[start + i] = java.util.Arrays.copyOfRange(z, i * numClasses, (i + 1) * numClasses);
      }
    }
    requireFinite(out);
    return out;
  }

  /** The model's candidate target layers (probed once, on first use). */
  public synchronized LayerCatalog layers() {
    if (catalog == null) {
      catalog = probeLayers();
    }
    return catalog;
  }

  /** Resolves a layer by module path, tensor name or node name; null or blank gives the default. */
  public TargetLayer layer(String id) {
    try {
      return id == null || id.isBlank() ? layers().defaultLayer() : layers().resolve(id);
    } catch (ModelUnsupportedException e) {
      throw e;
    } catch (SscamException e) {
      // An unknown or unreadable layer is so for every image: not one bad item.
      throw new ModelUnsupportedException(e.getMessage(), e);
    }
  }

  /**
   * Activations of {@code layer} and logits, from one run over {@code n} images.
   *
   * @return activations {@code [n, K, h, w]} flattened, and logits {@code [n][C]}
   * @throws NonFiniteOutputException when an activation or logit is NaN or ±Inf
   */
  public LayerActivations activations(float[] inputs, int n, TargetLayer layer) {
    checkInputs(inputs, n);
    OrtSession s = layerSession(layer.tensor());
    int per = layer.channels() * layer.height() * layer.width();
    float[] acts = new float[n * per];
    float[][] logits = new float[n][];
    for (int start = 0; start < n; start += batchSize) {
      int count = Math.min(batchSize, n - start);
      Map<String, float[]> r = run(s, inputs, start, count, List.of(layer.tensor(), outputName));
      float[] read = layer.reading().toChannelsFirst(r.get(layer.tensor()), count);
      System.arraycopy(read, 0, acts, start * per, count * per);
      float[] z = r.get(outputName);
      for (int i = 0; i < count; i++) {
        logits[start + i] = java.util.Arrays.copyOfRange(z, i * numClasses, (i + 1) * numClasses);
      }
    }
    requireFinite(logits);
    NonFiniteOutputException.requireFinite(acts, per, 0, n, "activations at " + layer.name());
    return new LayerActivations(layer, n, acts, logits);
  }

  /**
   * Activations of {@code layer}, the gradient of each image's chosen logit with respect to them
   * ({@code g_i = ∂z_{c_i}/∂A_i}), and the logits, for {@code n} images. The gradient comes from the
   * head (target layer → logits) compiled into an ONNX gradient graph ({@link HeadGradient}), fed
   * with the activations (and any other tensor the head reads) of one forward run.
   *
   * @param classes class {@code c_i} of each image
   * @throws NonFiniteOutputException when an activation, gradient or logit is NaN or ±Inf
   */
  public LayerGradients gradients(float[] inputs, int n, TargetLayer layer, int[] classes) {
    if (classes.length != n) {
      throw new IllegalArgumentException("need one class per image: " + classes.length + " for " + n);
    }
    return gradients(inputs, n, layer, new ClassChoice() {
      @Override
      public int of(int image, float[] z) {
        return classes[image];
      }

      @Override
      public int known(int image) {
        return classes[image];
      }
    });
  }

  /** Chooses the class whose logit an image's gradient is taken of, once its logits are known. */
  @FunctionalInterface
  public interface ClassChoice {
    /** {@link #known}: the image's class is its own top-1, if {@link #of} agrees. */
    int TOP_ONE = -1;
    /** {@link #known}: the image takes the class chosen for image 0 of the call ({@link #of} is not asked). */
    int FIRST_IMAGES = -2;
    /** {@link #known}: nothing is known before the logits ({@link #of} decides after a forward run). */
    int UNKNOWN = -3;

    /** The class of image {@code image} (0-based in the call), given its logits {@code z}. */
    int of(int image, float[] z);

    /**
     * What is known of image {@code image}'s class before its logits are: the class; or
     * {@link #TOP_ONE}, its top-1, seeded in the same run as the logits and kept if {@link #of}
     * agrees (otherwise the batch runs again with the class {@code of} chooses); or
     * {@link #FIRST_IMAGES} (not for image 0); or {@link #UNKNOWN}. Any of the first three lets
     * the forward pass and the gradient run as one ({@link ForwardBackwardSession}).
     */
    default int known(int image) {
      return UNKNOWN;
    }

    /**
     * Image 0's class is {@code requested}, or its top-1 when that is -1; every other image takes
     * image 0's class (an image and its perturbed copies in one batch).
     */
    static ClassChoice ofFirstImage(int requested) {
      return new ClassChoice() {
        @Override
        public int of(int image, float[] z) {
          return requested >= 0 ? requested : topOne(z);
        }

        @Override
        public int known(int image) {
          return image > 0 ? FIRST_IMAGES : Math.max(requested, TOP_ONE);
        }
      };
    }

    /** The index of the largest logit (the first of equal ones, as ONNX's ArgMax). */
    private static int topOne(float[] z) {
      int best = 0;
      for (int i = 1; i < z.length; i++) {
        if (z[i] > z[best]) {
          best = i;
        }
      }
      return best;
    }
  }

  /**
   * As {@link #gradients(float[], int, TargetLayer, int[])}, with each image's class chosen from its
   * own logits by {@code choice} between the forward pass and the head's gradient: one full forward
   * pass gives the logits, the activations and the gradient's side inputs (the top-1 class's
   * gradient needs no separate pass to find the top-1).
   *
   * <p>A batch size seen before runs forward and backward in one session ({@link ForwardBackwardSession});
   * the first time, the forward run and the head's gradient graph run in two.
   */
  public LayerGradients gradients(float[] inputs, int n, TargetLayer layer, ClassChoice choice) {
    checkInputs(inputs, n);
    GradientPlan plan = gradientPlan(layer);
    int per = layer.channels() * layer.height() * layer.width();
    float[] acts = null;
    float[] grads = null;
    float[][] logits = new float[n][];
    int imagePer = imageSize();
    int[] firstClass = {-1};
    if (choice.known(0) == ClassChoice.FIRST_IMAGES) {
      throw new IllegalArgumentException("image 0 cannot take the class of image 0");
    }
    for (int start = 0; start < n; start += batchSize) {
      int count = Math.min(batchSize, n - start);
      int feedCount = fixedBatch > 0 ? fixedBatch : count;
      FloatBuffer batch = inputBuffer(inputs, start * imagePer, count * imagePer, feedCount * imagePer);
      long[] shape = {feedCount, 3, card.height(), card.width()};
      try (OnnxTensor t = OnnxTensor.createTensor(ENV, batch, shape)) {
        BatchGradients b = mergedRun(plan, t, start, count, feedCount, choice, firstClass);
        if (b == null) {
          b = twoSessionRun(plan, layer, t, start, count, feedCount, choice, firstClass);
        }
        // Activations and gradients are read alike: NHWC transposed, prefix tokens dropped. A call
        // that fits one batch keeps the reading's own arrays (no second copy).
        float[] g = layer.reading().toChannelsFirst(b.gradient(), count);
        float[] a = layer.reading().toChannelsFirst(b.activation(), count);
        if (count == n && g.length == n * per && a.length == n * per) {
          grads = g;
          acts = a;
        } else {
          grads = grads == null ? new float[n * per] : grads;
          acts = acts == null ? new float[n * per] : acts;
          System.arraycopy(g, 0, grads, start * per, count * per);
          System.arraycopy(a, 0, acts, start * per, count * per);
        }
        System.arraycopy(b.logits(), 0, logits, start, count);
      } catch (OrtException e) {
        throw new SscamException("ONNX Runtime failed computing gradients: " + firstLine(e.getMessage()), e);
      }
    }
    requireFinite(logits);
    NonFiniteOutputException.requireFinite(acts, per, 0, n, "activations at " + layer.name());
    NonFiniteOutputException.requireFinite(grads, per, 0, n, "gradients at " + layer.name());
    return new LayerGradients(layer, n, acts, grads, logits);
  }

  /** One batch's logits, and its activations and gradients in the layer's own layout (at least {@code count} samples). */
  private record BatchGradients(float[][] logits, float[] activation, float[] gradient) {}

  /**
   * The batch through the merged forward-backward session, or null when its size has none yet or
   * a class {@code choice} picks from the logits is not the top-1 the run seeded.
   *
   * @param firstClass [0]: the class of image 0 of the call once known (set here), else -1
   */
  private BatchGradients mergedRun(GradientPlan plan, OnnxTensor t, int start, int count, int feedCount,
      ClassChoice choice, int[] firstClass) {
    float[] given = new float[feedCount * numClasses];
    float[] topOne = new float[feedCount];
    float[] firstTopOne = new float[feedCount];
    int[] known = new int[count];
    int first = start == 0 && choice.known(0) >= 0 ? choice.known(0) : firstClass[0];
    for (int i = 0; i < count; i++) {
      known[i] = choice.known(start + i);
      if (known[i] == ClassChoice.FIRST_IMAGES && first >= 0) {
        known[i] = first;
      }
      if (known[i] >= numClasses || known[i] < ClassChoice.FIRST_IMAGES) {
        return null; // unknown until the logits are: or a bad class, which the two-session path reports
      }
      if (known[i] >= 0) {
        given[i * numClasses + known[i]] = 1f;
      } else if (known[i] == ClassChoice.TOP_ONE) {
        topOne[i] = 1f;
      } else {
        firstTopOne[i] = 1f;
      }
    }
    Optional<ForwardBackwardSession.Outputs> run = plan.merged.run(t, feedCount, given, topOne, firstTopOne);
    if (run.isEmpty()) {
      return null;
    }
    ForwardBackwardSession.Outputs o = run.get();
    float[][] logits = new float[count][];
    int seededFirst = firstClass[0];
    for (int i = 0; i < count; i++) {
      logits[i] = Arrays.copyOfRange(o.logits(), i * numClasses, (i + 1) * numClasses);
      int seeded = known[i] >= 0 ? known[i] : known[i] == ClassChoice.TOP_ONE ? (int) o.topOne()[i] : seededFirst;
      if (known[i] != ClassChoice.FIRST_IMAGES && choice.of(start + i, logits[i]) != seeded) {
        return null;
      }
      if (start + i == 0) {
        seededFirst = seeded;
      }
    }
    firstClass[0] = seededFirst;
    return new BatchGradients(logits, o.activation(), o.gradient());
  }

  /** The batch through the forward session, then the head's gradient session. */
  private BatchGradients twoSessionRun(GradientPlan plan, TargetLayer layer, OnnxTensor t, int start, int count,
      int feedCount, ClassChoice choice, int[] firstClass) throws OrtException {
    try (OrtSession.Result r = plan.forward.run(Map.of(inputName, t), plan.outputs)) {
      FloatBuffer z = ((OnnxTensor) r.get(outputName).orElseThrow()).getFloatBuffer();
      float[] seed = new float[feedCount * numClasses];
      float[][] logits = new float[count][];
      for (int i = 0; i < count; i++) {
        logits[i] = new float[numClasses];
        z.get(logits[i]);
        int c = choice.known(start + i) == ClassChoice.FIRST_IMAGES ? firstClass[0] : choice.of(start + i, logits[i]);
        if (c < 0 || c >= numClasses) {
          throw new SscamException("class index " + c + " is out of range: the model has " + numClasses
              + " classes (0.." + (numClasses - 1) + ")");
        }
        if (start + i == 0) {
          firstClass[0] = c;
        }
        seed[i * numClasses + c] = 1f;
      }
      Map<String, OnnxTensor> feeds = new HashMap<>();
      feeds.put(plan.graph.activationInput(), (OnnxTensor) r.get(layer.tensor()).orElseThrow());
      for (String fed : plan.graph.forwardFeeds()) {
        feeds.put(fed, (OnnxTensor) r.get(fed).orElseThrow());
      }
      float[] g = plan.session.gradient(feeds, seed, feedCount, numClasses);
      plan.merged.sighted(feedCount, () -> plan.session.graphFor(feeds));
      FloatBuffer a = ((OnnxTensor) r.get(layer.tensor()).orElseThrow()).getFloatBuffer();
      float[] raw = new float[count * layer.rawSize()];
      a.get(raw);
      return new BatchGradients(logits, raw, g);
    }
  }

  /** How many batch sizes run forward and backward in one session at {@code layer} (for tests). */
  synchronized int mergedGradientShapes(TargetLayer layer) {
    GradientPlan plan = gradientPlans.get(layer.tensor());
    return plan == null ? 0 : plan.merged.mergedShapes();
  }

  /** Edits one copy of an image's activations at a layer, in the layer's own tensor layout. */
  @FunctionalInterface
  public interface ActivationEdit {
    /** Edits copy {@code variant}, held in {@code raw[offset .. offset + layer.rawSize())}. */
    void apply(int variant, float[] raw, int offset);
  }

  /**
   * Logits of the head alone (layer → logits, {@link HeadForward}) run on {@code n} edited copies of
   * one image's activations at {@code layer}: one forward run of the whole model gives the
   * activations and the head's side inputs (skip connections), then the copies go through the head,
   * {@link #batchSize()} at a time. Side inputs that are float tensors with a batch dimension are
   * repeated along it; any other (a shape vector) makes each copy run on its own.
   *
   * @param input one preprocessed image, 3×H×W
   * @return {@code [n][C]} logits
   * @throws NonFiniteOutputException when a logit is NaN or ±Inf
   */
  public float[][] headLogits(float[] input, TargetLayer layer, int n, ActivationEdit edit) {
    checkInputs(input, 1);
    HeadPlan plan = headPlan(layer);
    int feedCount = fixedBatch > 0 ? fixedBatch : 1;
    int rawPer = layer.rawSize();
    float[][] out = new float[n][];
    FloatBuffer image = inputBuffer(input, 0, imageSize(), feedCount * imageSize());
    try (OnnxTensor x = OnnxTensor.createTensor(ENV, image, new long[] {feedCount, 3, card.height(), card.width()});
        OrtSession.Result r = plan.forward().run(Map.of(inputName, x), plan.outputs())) {
      OnnxTensor a = (OnnxTensor) r.get(layer.tensor()).orElseThrow();
      long[] aShape = ((TensorInfo) a.getInfo()).getShape();
      float[] activations = new float[feedCount * rawPer];
      a.getFloatBuffer().get(activations);
      Map<String, OnnxTensor> sides = new HashMap<>();
      boolean tileable = true;
      for (String side : plan.head().sideInputs()) {
        OnnxTensor t = (OnnxTensor) r.get(side).orElseThrow();
        long[] shape = ((TensorInfo) t.getInfo()).getShape();
        tileable &= ((TensorInfo) t.getInfo()).type == OnnxJavaType.FLOAT && shape.length > 1 && shape[0] == feedCount;
        sides.put(side, t);
      }
      // Copies per head run: a batch where side inputs can be repeated, else one (in slot 0 of a
      // fixed batch, the other slots as the forward run left them).
      int per = tileable ? (fixedBatch > 0 ? fixedBatch : Math.min(batchSize, Math.max(n, 1))) : 1;
      int feed = tileable ? per : feedCount;
      for (int start = 0; start < n; start += per) {
        int count = Math.min(per, n - start);
        float[] batch = new float[feed * rawPer];
        for (int i = 0; i < feed; i++) {
          System.arraycopy(activations, tileable ? 0 : i * rawPer, batch, i * rawPer, rawPer);
        }
        for (int i = 0; i < count; i++) {
          edit.apply(start + i, batch, i * rawPer);
        }
        float[][] z = runHead(plan, batch, feed, aShape, sides, tileable);
        System.arraycopy(z, 0, out, start, count);
      }
    } catch (OrtException e) {
      throw new SscamException("ONNX Runtime failed running the head: " + firstLine(e.getMessage()), e);
    }
    requireFinite(out);
    return out;
  }

  /** One run of the head on {@code feed} copies of A; side inputs repeated {@code feed} times when tiled. */
  private float[][] runHead(HeadPlan plan, float[] batch, int feed, long[] aShape, Map<String, OnnxTensor> sides,
      boolean tiled) throws OrtException {
    long[] shape = aShape.clone();
    shape[0] = feed;
    List<OnnxTensor> owned = new ArrayList<>();
    try {
      Map<String, OnnxTensor> feeds = new HashMap<>();
      OnnxTensor a = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(batch), shape);
      owned.add(a);
      feeds.put(plan.head().activationInput(), a);
      for (Map.Entry<String, OnnxTensor> side : sides.entrySet()) {
        if (!tiled) {
          feeds.put(side.getKey(), side.getValue());
          continue;
        }
        long[] sideShape = ((TensorInfo) side.getValue().getInfo()).getShape();
        FloatBuffer values = side.getValue().getFloatBuffer();
        int one = values.remaining() / (int) sideShape[0];
        float[] first = new float[one];
        values.get(first);
        float[] repeated = new float[feed * one];
        for (int i = 0; i < feed; i++) {
          System.arraycopy(first, 0, repeated, i * one, one);
        }
        sideShape[0] = feed;
        OnnxTensor t = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(repeated), sideShape);
        owned.add(t);
        feeds.put(side.getKey(), t);
      }
      try (OrtSession.Result r = plan.session().run(feeds, Set.of(plan.head().output()))) {
        FloatBuffer z = ((OnnxTensor) r.get(0)).getFloatBuffer();
        float[][] out = new float[feed][numClasses];
        for (int i = 0; i < feed; i++) {
          z.get(out[i]);
        }
        return out;
      }
    } finally {
      for (OnnxTensor t : owned) {
        t.close();
      }
    }
  }

  /** The head of {@code layer} cut out as a forward model, with its sessions (built once per layer). */
  private synchronized HeadPlan headPlan(TargetLayer layer) {
    HeadPlan plan = headPlans.get(layer.tensor());
    if (plan == null) {
      HeadForward head = HeadForward.extract(file.proto(), layer.tensor(), outputName);
      Set<String> outs = new HashSet<>();
      outs.add(layer.tensor());
      outs.addAll(head.sideInputs());
      OrtSession forward = createSession(GraphSurgery.addOutputs(file.proto(), outs));
      OrtSession session;
      try {
        session = createSession(head.model());
      } catch (RuntimeException e) {
        try {
          forward.close();
        } catch (OrtException ignored) {
          // the load error is the one to report
        }
        throw e;
      }
      plan = new HeadPlan(head, forward, session, outs);
      headPlans.put(layer.tensor(), plan);
    }
    return plan;
  }

  private record HeadPlan(HeadForward head, OrtSession forward, OrtSession session, Set<String> outputs) {}

  /** Refuses NaN or ±Inf logits, naming the image's place in the batch. */
  private static void requireFinite(float[][] logits) {
    for (int i = 0; i < logits.length; i++) {
      NonFiniteOutputException.requireFinite(logits[i], logits[i].length, i, logits.length, "logits");
    }
  }

  /** The compiled gradient of the head from {@code layer}, with its sessions (built once per layer). */
  private synchronized GradientPlan gradientPlan(TargetLayer layer) {
    GradientPlan plan = gradientPlans.get(layer.tensor());
    if (plan == null) {
      GradientGraph graph;
      try {
        graph = HeadGradient.compileReusingForward(file.proto(), layer.tensor(), outputName);
      } catch (SscamException e) {
        // No rule for an operator of the head: so for every image, not one bad item.
        throw new ModelUnsupportedException(e.getMessage(), e);
      }
      List<String> outs = new ArrayList<>();
      outs.add(layer.tensor());
      outs.addAll(graph.forwardFeeds());
      OrtSession forward = createSession(GraphSurgery.addOutputs(file.proto(), outs));
      outs.add(outputName);
      HeadGradientSession session;
      try {
        session = HeadGradientSession.pruning(ENV, graph,
            HeadForward.extract(file.proto(), layer.tensor(), outputName), this::sessionOptions);
      } catch (RuntimeException e) {
        try {
          forward.close();
        } catch (OrtException ignored) {
          // the compile error is the one to report
        }
        throw e;
      }
      ForwardBackwardSession merged =
          new ForwardBackwardSession(ENV, file.proto(), inputName, outputName, numClasses, this::sessionOptions);
      plan = new GradientPlan(graph, forward, session, merged, new HashSet<>(outs));
      gradientPlans.put(layer.tensor(), plan);
    }
    return plan;
  }

  private record GradientPlan(GradientGraph graph, OrtSession forward, HeadGradientSession session,
      ForwardBackwardSession merged, Set<String> outputs) {}

  /**
   * Runs {@code s} on images {@code start..start+count-1} and copies the named outputs (the first
   * {@code count} samples of each) to heap arrays. Every native tensor and result is closed here.
   */
  Map<String, float[]> run(OrtSession s, float[] inputs, int start, int count, List<String> outputs) {
    int per = imageSize();
    int feedCount = fixedBatch > 0 ? fixedBatch : count;
    FloatBuffer buf = inputBuffer(inputs, start * per, count * per, feedCount * per);
    long[] shape = {feedCount, 3, card.height(), card.width()};
    try (OnnxTensor t = OnnxTensor.createTensor(ENV, buf, shape);
        OrtSession.Result r = s.run(Map.of(inputName, t), new HashSet<>(outputs))) {
      Map<String, float[]> out = new LinkedHashMap<>();
      for (String name : outputs) {
        OnnxTensor o = (OnnxTensor) r.get(name).orElseThrow();
        FloatBuffer fb = o.getFloatBuffer();
        int total = fb.remaining();
        float[] all = new float[total / feedCount * count];
        fb.get(all);
        out.put(name, all);
      }
      return out;
    } catch (OrtException e) {
      throw new SscamException("ONNX Runtime failed to run the model: " + firstLine(e.getMessage()), e);
    }
  }

  /** This thread's direct buffer holding {@code length} floats of {@code inputs}, zero-padded to {@code total}. */
  private FloatBuffer inputBuffer(float[] inputs, int offset, int length, int total) {
    FloatBuffer b = inputBuffer.get();
    if (b == null || b.capacity() < total) {
      b = java.nio.ByteBuffer.allocateDirect(total * Float.BYTES).order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
      inputBuffer.set(b);
    }
    b.clear();
    b.put(inputs, offset, length);
    for (int i = length; i < total; i++) {
      b.put(0f);
    }
    b.flip();
    return b;
  }

  private void checkInputs(float[] inputs, int n) {
    if (n < 0 || inputs.length < (long) n * imageSize()) {
      throw new IllegalArgumentException("expected " + n + " images of 3x" + card.height() + "x" + card.width()
          + " floats, got " + inputs.length + " floats");
    }
  }

  private synchronized OrtSession layerSession(String tensor) {
    OrtSession s = layerSessions.get(tensor);
    if (s == null) {
      s = createSession(GraphSurgery.addOutputs(file.proto(), List.of(tensor)));
      layerSessions.put(tensor, s);
    }
    return s;
  }

  /** Creates a session over {@code model} with this classifier's options; the caller closes it. */
  public OrtSession createSession(ModelProto model) {
    try (OrtSession.SessionOptions o = sessionOptions()) {
      return ENV.createSession(model.toByteArray(), o);
    } catch (OrtException e) {
      throw new SscamException("ONNX Runtime cannot load the model " + file.path() + ": " + firstLine(e.getMessage()), e);
    }
  }

  /** A classifier scores at least one class; an output of width 0 (a broken model) is refused. */
  private int requireClasses(int classes) {
    if (classes < 1) {
      throw new SscamException("model " + file.path() + " outputs " + classes + " class scores per image ('"
          + outputName + "'); sscam needs at least one");
    }
    return classes;
  }

  /** The number of classes: the output's static {@code N×C}, else the shape of one probe run. */
  private int probeClasses() {
    try {
      NodeInfo info = session.getOutputInfo().get(outputName);
      if (info != null && info.getInfo() instanceof TensorInfo ti) {
        long[] s = ti.getShape();
        if (s.length > 0) {
          ModelSignature.requireScores(outputName, s, file.path());
        }
        if (s.length == 2 && s[1] > 0) {
          return (int) s[1];
        }
      }
      int feed = fixedBatch > 0 ? fixedBatch : 1;
      try (OnnxTensor t = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(new float[feed * imageSize()]),
              new long[] {feed, 3, card.height(), card.width()});
          OrtSession.Result r = session.run(Map.of(inputName, t), Set.of(outputName))) {
        if (!(r.get(0).getInfo() instanceof TensorInfo ti) || ti.type != OnnxJavaType.FLOAT) {
          throw new SscamException("model " + file.path() + "'s output '" + outputName + "' is not a float tensor;"
              + " sscam needs a float output N×C with one score per class");
        }
        long[] s = ti.getShape();
        ModelSignature.requireScores(outputName, s, file.path());
        return (int) s[1];
      }
    } catch (OrtException e) {
      throw new SscamException("cannot read the model's outputs: " + firstLine(e.getMessage()), e);
    }
  }

  private LayerCatalog probeLayers() {
    GraphProto g = file.proto().getGraph();
    Set<String> initializers = new HashSet<>();
    for (TensorProto t : g.getInitializerList()) {
      initializers.add(t.getName());
    }
    List<String> produced = new ArrayList<>();
    for (NodeProto n : g.getNodeList()) {
      for (String o : n.getOutputList()) {
        if (!o.isEmpty() && !initializers.contains(o)) {
          produced.add(o);
        }
      }
    }
    Map<String, long[]> shapes = new HashMap<>();
    try (OrtSession probe = createSession(GraphSurgery.addOutputs(file.proto(), produced))) {
      // Static rank 3 (token sequences) or 4, or a rank ONNX Runtime could not infer (reported as no
      // dimensions, e.g. after ShuffleNetV2's channel shuffle, which reshapes to 5-D from the runtime
      // shape and back): the probe run below decides.
      List<String> rank4 = new ArrayList<>();
      for (Map.Entry<String, NodeInfo> e : probe.getOutputInfo().entrySet()) {
        if (e.getValue().getInfo() instanceof TensorInfo ti && ti.type == OnnxJavaType.FLOAT
            && (ti.getShape().length == 4 || ti.getShape().length == 3 || ti.getShape().length == 0)) {
          rank4.add(e.getKey());
        }
      }
      // One image through the model gives every candidate's concrete shape.
      int feed = fixedBatch > 0 ? fixedBatch : 1;
      long[] shape = {feed, 3, card.height(), card.width()};
      try (OnnxTensor t = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(new float[feed * imageSize()]), shape);
          OrtSession.Result r = probe.run(Map.of(inputName, t), new HashSet<>(rank4))) {
        for (String name : rank4) {
          long[] s = ((TensorInfo) r.get(name).orElseThrow().getInfo()).getShape();
          if (s.length == 4) {
            s[0] = 1;
            shapes.put(name, s);
          } else if (s.length == 3 && s[0] == feed) {
            // [batch, T, C]; a leading dimension other than the batch (attention's [heads, T, T],
            // a sequence-first [T, N, C]) is not one image's layer.
            s[0] = 1;
            shapes.put(name, s);
          }
        }
      }
    } catch (OrtException e) {
      throw new SscamException("cannot list the model's layers: " + firstLine(e.getMessage()), e);
    }
    return LayerCatalog.name(new GraphIndex(g), shapes, card.targetLayer(), card.height(), card.width());
  }

  private static String shapeText(List<TensorShapeProto.Dimension> dims) {
    return dims.stream().map(d -> d.hasDimValue() ? Long.toString(d.getDimValue()) : d.getDimParam().isEmpty() ? "?" : d.getDimParam())
        .toList().toString();
  }

  private static String stem(Path p) {
    String f = p.getFileName().toString();
    return f.endsWith(".onnx") ? f.substring(0, f.length() - 5) : f;
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }

  private void closeQuietly() {
    try {
      close();
    } catch (RuntimeException ignored) {
      // already failing: the original error is the one to report
    }
  }

  @Override
  public synchronized void close() {
    try {
      for (OrtSession s : layerSessions.values()) {
        s.close();
      }
      layerSessions.clear();
      for (GradientPlan p : gradientPlans.values()) {
        p.forward().close();
        p.session().close();
        p.merged().close();
      }
      gradientPlans.clear();
      for (HeadPlan p : headPlans.values()) {
        p.forward().close();
        p.session().close();
      }
      headPlans.clear();
      if (session != null) {
        session.close();
      }
    } catch (OrtException e) {
      throw new SscamException("cannot close ONNX Runtime session: " + e.getMessage(), e);
    }
  }
}
