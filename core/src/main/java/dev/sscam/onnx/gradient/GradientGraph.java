package dev.sscam.onnx.gradient;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.ArrayList;
import java.util.List;

/**
 * A compiled head gradient: a standalone ONNX model that recomputes the head forward from the
 * target activations and the side inputs (or reads the costly part of it from the forward run), then runs reverse mode to give
 * {@code dL/dA = Σ_{n,c} seed[n,c] · ∂z[n,c]/∂A} per sample.
 *
 * @param model the ONNX model (run it with {@link HeadGradientSession})
 * @param activationInput graph input receiving A (the target tensor's name in the original model)
 * @param sideInputs other graph inputs: tensors of the original model that the head reads but that
 *     do not depend on A (skip connections, the image); feed their values from a forward run of
 *     the original model with those tensors added as outputs. Their element types are declared in
 *     {@code model.getGraph().getInputList()}
 * @param forwardValues further graph inputs: tensors of the head itself whose values the forward
 *     run has (see {@link HeadGradient#compileReusingForward}); feed them like the side inputs, from
 *     the same forward run as A. Empty unless the head was compiled to reuse them
 * @param seedInput graph input receiving {@code dL/dz}, float [N, C] (e.g. one-hot of class c)
 * @param gradientOutput graph output {@code dL/dA}, float, same shape as A
 * @param outputRecomputed graph output holding the head's output z recomputed from the inputs
 */
public record GradientGraph(
    ModelProto model,
    String activationInput,
    List<String> sideInputs,
    List<String> forwardValues,
    String seedInput,
    String gradientOutput,
    String outputRecomputed) {

  public GradientGraph {
    sideInputs = List.copyOf(sideInputs);
    forwardValues = List.copyOf(forwardValues);
  }

  /** Every graph input fed from the forward run besides A: the side inputs, then the forward values. */
  public List<String> forwardFeeds() {
    List<String> all = new ArrayList<>(sideInputs);
    all.addAll(forwardValues);
    return all;
  }
}
