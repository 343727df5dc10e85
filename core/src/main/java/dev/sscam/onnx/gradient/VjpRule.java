package dev.sscam.onnx.gradient;

/**
 * The vector-Jacobian product of one ONNX op: given the gradients arriving at a node's outputs
 * ({@code dL/dy}), emit ONNX nodes computing {@code dL/dx = (dy/dx)^T dL/dy} for each input that
 * needs one, and hand them to {@link VjpContext#addGradient}. A rule that cannot differentiate
 * with respect to a needed input throws (via {@link VjpContext#unsupported}) rather than emit a
 * wrong or partial gradient.
 */
@FunctionalInterface
interface VjpRule {
  void emit(VjpContext ctx);
}
