package dev.sscam.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/** Edits of a model's graph that sscam needs: exposing inner tensors as outputs. */
public final class GraphSurgery {
  private GraphSurgery() {}

  /**
   * Returns {@code model} with {@code tensors} added as graph outputs (those already outputs are
   * kept once). The outputs carry no declared type: ONNX Runtime infers it, which lets the same
   * call expose float and integer tensors alike.
   */
  public static ModelProto addOutputs(ModelProto model, Collection<String> tensors) {
    GraphProto.Builder g = model.getGraph().toBuilder();
    Set<String> present = new HashSet<>();
    g.getOutputList().forEach(o -> present.add(o.getName()));
    for (String t : tensors) {
      if (present.add(t)) {
        g.addOutput(ValueInfoProto.newBuilder().setName(t));
      }
    }
    return model.toBuilder().setGraph(g).build();
  }
}
