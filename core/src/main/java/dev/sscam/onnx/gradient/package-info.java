/**
 * Gradients of a classifier's head, compiled into ONNX graphs and run by ONNX Runtime (whose Java
 * API has no autograd).
 *
 * <p>{@link dev.sscam.onnx.gradient.HeadGradient#compile} takes a model, a target tensor A (the
 * activations of the chosen layer) and the logits z, and returns a
 * {@link dev.sscam.onnx.gradient.GradientGraph}: a standalone model that recomputes the head (the
 * nodes on some path from A to z) from A and the side inputs, then applies reverse-mode automatic
 * differentiation at graph level: one vector-Jacobian product rule per op type, emitted as ONNX
 * nodes, giving {@code dL/dA} for {@code L = Σ seed ⊙ z}.
 * {@link dev.sscam.onnx.gradient.HeadGradientSession} runs it.
 *
 * <h2>Opsets</h2>
 * Models come with opsets 9 to 21, and an ONNX model has one default-domain opset. The compiled
 * graph uses {@code T = max(model opset, 18)}:
 * <ul>
 *   <li>the MaxPool VJP needs ScatterElements with {@code reduction="add"} (opset 16) so that
 *       overlapping windows add their gradients exactly;
 *   <li>from 18 on, every op the rules emit takes axes, sizes and bounds as inputs (ReduceSum,
 *       ReduceMean, Squeeze, Unsqueeze, Split, Slice, Clip, Pad), so each rule emits one form only,
 *       and versions 18 to 21 differ only in element types for these ops;
 *   <li>a newer model keeps its own opset: nothing is ever downgraded.
 * </ul>
 * The head's nodes are copied into the compiled graph after being brought to T
 * ({@code OpsetUpgrade}): the few ops whose form or meaning changed between 9 and 18 are rewritten
 * (attributes to inputs; pre-13 Softmax's flatten-to-2-D semantics made explicit with
 * Flatten/Reshape), ops known to be unchanged are copied, and any other op in an older model is
 * refused with an {@link dev.sscam.SscamException}. Rules therefore only ever see opset-T nodes.
 *
 * <h2>Shapes</h2>
 * The compiled graph is shape-agnostic: the batch and spatial sizes are read in the graph with
 * Shape/Size (e.g. reducing a broadcast gradient, cropping a transposed convolution), so one
 * compiled graph serves every batch size. Window attributes (kernels, strides, pads) must be
 * static; Conv's size-dependent {@code auto_pad=SAME_*} pads are computed in the graph, MaxPool's
 * gradient goes through its indices whatever the padding, and the remaining size-dependent
 * paddings (AveragePool and ConvTranspose {@code auto_pad=SAME_*}, ConvTranspose
 * {@code output_shape}) are refused.
 *
 * <h2>Pruned heads</h2>
 * A head that reads part of a tensor (a vision transformer's class token) would be differentiated
 * for every token. {@link dev.sscam.onnx.gradient.HeadGradientSession#pruning} also compiles, once
 * per set of input shapes, the head cut to what its output reads: {@code HeadShapes} runs the head
 * once to learn every tensor's shape and fold its shape arithmetic, {@code RegionPruning} maps the
 * read region of each tensor back from the logits and slices each node's inputs to it, and the
 * compiled graph reads its shapes as constants ({@code GraphEmitter#knowShape}: a Slice or Gather
 * of one index then differentiates as a Pad). The gradient is that of the whole head; where nothing
 * can be cut (a pooled CNN head) or the cut cannot be compiled, the shape-agnostic graph runs.
 *
 * <h2>Reused forward values</h2>
 * The forward run that gives A has already computed the head once. {@link
 * dev.sscam.onnx.gradient.HeadGradient#compileReusingForward} feeds the outputs of the head's costly
 * nodes (MatMul, Gemm, Conv...) from that run instead of recomputing them; their VJPs stay, since
 * {@code ∂(X·W)/∂X} needs W and the upstream gradient, not the product. From a ViT's block 2 or a
 * ResNet's layer3 this cut the gradient's extra cost by 13-30%; from the last block (where the
 * pruned head recomputes one QKV projection) the saving is within timing noise.
 *
 * <h2>One run: forward and backward merged</h2>
 * Run as two sessions, a gradient costs the model's forward run (A, the side inputs and forward
 * values as extra outputs) and then a run of the gradient graph, whose fixed cost per run is most of
 * a one-pass map's overhead on a small model. {@link dev.sscam.onnx.gradient.ForwardBackwardGraph}
 * merges the model and the (pruned) gradient graph into one graph: the backward reads the model's
 * own tensors, its own tensors are renamed apart, nodes that recompute a model node are dropped, and
 * the seed is built in the graph from the given classes or the top-1 (ArgMax, OneHot), so that the
 * class can still be chosen from the same run's logits. {@link
 * dev.sscam.onnx.gradient.ForwardBackwardSession} builds one such session per batch size, the
 * second time it sees the size; on the trained ViT a Grad-CAM's gradient then costs about 1.06
 * plain passes instead of 1.19. A model that cannot be merged keeps the two sessions.
 *
 * <h2>Failure</h2>
 * An op on the gradient path without a rule, a non-standard domain, control flow, or an input
 * combination a rule does not cover throws {@link dev.sscam.SscamException} naming the op type and
 * the node; a wrong gradient is never returned silently. Ops whose outputs carry no gradient
 * (Shape, Gather on shape vectors, Constant, Cast to integers, comparisons...) are recomputed but
 * not differentiated.
 */
package dev.sscam.onnx.gradient;
