package dev.sscam.cam.gradient;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.sscam.ModelUnsupportedException;
import dev.sscam.cam.CamContext;
import dev.sscam.cam.CamMethod;
import dev.sscam.cam.ChannelWeights;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Set;

/**
 * CAM (Zhou et al. 2016): {@code α_k = W[c, k]}, the final linear layer's weight, for heads of the
 * form target → global average pooling → (flatten) → linear (PAPER.md). Any other head is an error
 * naming what was found (use Grad-CAM, which equals CAM up to the factor {@code 1/(h·w)} on such
 * heads).
 */
public final class Cam implements CamMethod {
  private static final Set<String> RESHAPES = Set.of("Flatten", "Reshape", "Squeeze", "Identity", "Dropout");

  @Override
  public String id() {
    return "cam";
  }

  @Override
  public String title() {
    return "CAM";
  }

  @Override
  public ChannelWeights weights(CamContext ctx) {
    GraphProto g = ctx.model().file().proto().getGraph();
    String output = ctx.model().outputName();
    String t = ctx.layer().tensor();
    NodeProto pool = onlyConsumer(g, t);
    if (pool == null || !isGlobalAveragePool(pool)) {
      throw notCamHead(pool);
    }
    t = pool.getOutput(0);
    NodeProto n = onlyConsumer(g, t);
    while (n != null && RESHAPES.contains(n.getOpType())) {
      t = n.getOutput(0);
      n = onlyConsumer(g, t);
    }
    if (n == null || !(n.getOpType().equals("Gemm") || n.getOpType().equals("MatMul"))) {
      throw notCamHead(n);
    }
    NodeProto linear = n;
    String out = linear.getOutput(0);
    if (!out.equals(output)) {
      NodeProto bias = onlyConsumer(g, out);
      if (bias == null || !bias.getOpType().equals("Add") || !bias.getOutput(0).equals(output)) {
        throw notCamHead(bias);
      }
    }
    boolean transB = linear.getOpType().equals("Gemm") && intAttr(linear, "transB", 0) == 1;
    boolean transA = linear.getOpType().equals("Gemm") && intAttr(linear, "transA", 0) == 1;
    if (transA || !linear.getInput(0).equals(t)) {
      throw notCamHead(linear);
    }
    double alphaAttr = linear.getOpType().equals("Gemm") ? floatAttr(linear, "alpha", 1f) : 1;
    TensorProto w = initializer(g, linear.getInput(1));
    if (w == null || w.getDimsCount() != 2) {
      throw new ModelUnsupportedException("CAM needs the final linear layer's weight as a constant 2-D tensor");
    }
    float[] values = floats(w);
    int rows = (int) w.getDims(0);
    int cols = (int) w.getDims(1);
    int k = ctx.channels();
    int c = ctx.classIndex();
    float[] alpha = new float[k];
    for (int ch = 0; ch < k; ch++) {
      // Gemm with transB holds W as [C, K]; MatMul and plain Gemm as [K, C].
      float v = transB ? values[c * cols + ch] : values[ch * cols + c];
      alpha[ch] = (float) (alphaAttr * v);
    }
    if ((transB ? cols : rows) != k) {
      throw new ModelUnsupportedException("CAM: the linear layer takes " + (transB ? cols : rows) + " features but the layer has " + k + " channels");
    }
    return new ChannelWeights(alpha, 0);
  }

  private static boolean isGlobalAveragePool(NodeProto n) {
    if (n.getOpType().equals("GlobalAveragePool")) {
      return true;
    }
    if (n.getOpType().equals("ReduceMean")) {
      for (AttributeProto a : n.getAttributeList()) {
        if (a.getName().equals("axes")) {
          return a.getIntsList().equals(List.of(2L, 3L)) || a.getIntsList().equals(List.of(-2L, -1L));
        }
      }
    }
    return false;
  }

  private static ModelUnsupportedException notCamHead(NodeProto found) {
    return new ModelUnsupportedException("CAM needs a head target → global average pool → linear; found "
        + (found == null ? "a branch or the end of the graph" : found.getOpType() + " (" + found.getName() + ")")
        + ". Use grad-cam instead");
  }

  private static NodeProto onlyConsumer(GraphProto g, String tensor) {
    NodeProto found = null;
    for (NodeProto n : g.getNodeList()) {
      if (n.getInputList().contains(tensor)) {
        if (found != null) {
          return null;
        }
        found = n;
      }
    }
    return found;
  }

  private static TensorProto initializer(GraphProto g, String name) {
    for (TensorProto t : g.getInitializerList()) {
      if (t.getName().equals(name)) {
        return t;
      }
    }
    for (NodeProto n : g.getNodeList()) {
      if (n.getOpType().equals("Constant") && n.getOutput(0).equals(name)) {
        for (AttributeProto a : n.getAttributeList()) {
          if (a.hasT()) {
            return a.getT();
          }
        }
      }
    }
    return null;
  }

  private static float[] floats(TensorProto t) {
    if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
      throw new ModelUnsupportedException("CAM: the linear layer's weight is not float32");
    }
    if (!t.getRawData().isEmpty()) {
      FloatBuffer fb = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      float[] v = new float[fb.remaining()];
      fb.get(v);
      return v;
    }
    float[] v = new float[t.getFloatDataCount()];
    for (int i = 0; i < v.length; i++) {
      v[i] = t.getFloatData(i);
    }
    return v;
  }

  private static long intAttr(NodeProto n, String name, long dflt) {
    return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).mapToLong(AttributeProto::getI).findFirst().orElse(dflt);
  }

  private static float floatAttr(NodeProto n, String name, float dflt) {
    return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).map(AttributeProto::getF).findFirst().orElse(dflt);
  }
}
