package dev.sscam.onnx.gradient;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.sscam.onnx.OnnxGraphBuilder;
import java.util.List;

/**
 * A classifier's head (target tensor A → output z) cut out as a standalone forward model: the same
 * nodes, initializers and side inputs that {@link HeadGradient} differentiates ({@link HeadSubgraph}),
 * in the model's own opsets, with A and the side inputs as graph inputs and z as the output. Methods
 * that edit A (Ablation-CAM) run only this part of the network.
 *
 * @param model the head model
 * @param activationInput graph input receiving A (the target tensor's name in the original model)
 * @param sideInputs other graph inputs: tensors the head reads that do not depend on A (skip
 *     connections, the image), to be fed from a forward run of the whole model
 * @param output the graph output z (the original output's name)
 */
public record HeadForward(ModelProto model, String activationInput, List<String> sideInputs, String output) {

  public HeadForward {
    sideInputs = List.copyOf(sideInputs);
  }

  /** Cuts the head of {@code model} from {@code targetTensor} to {@code outputTensor}. */
  public static HeadForward extract(ModelProto model, String targetTensor, String outputTensor) {
    GraphProto graph = model.getGraph();
    HeadSubgraph head = HeadSubgraph.find(graph, targetTensor, outputTensor);
    TensorTypes declared = TensorTypes.infer(graph, graph.getNodeList());
    GraphProto.Builder g = GraphProto.newBuilder().setName(graph.getName() + "_head");
    g.addInput(OnnxGraphBuilder.valueInfo(targetTensor, TensorProto.DataType.FLOAT_VALUE, null));
    for (String side : head.sideInputs()) {
      int type = declared.elemType(side);
      g.addInput(OnnxGraphBuilder.valueInfo(side, type == 0 ? TensorProto.DataType.FLOAT_VALUE : type, null));
    }
    g.addAllNode(head.nodes());
    g.addAllInitializer(head.initializers());
    g.addOutput(OnnxGraphBuilder.valueInfo(outputTensor, TensorProto.DataType.FLOAT_VALUE, null));
    ModelProto cut = model.toBuilder().clearGraph().setGraph(g).build();
    return new HeadForward(cut, targetTensor, head.sideInputs(), outputTensor);
  }
}
