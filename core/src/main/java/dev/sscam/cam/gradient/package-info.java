/**
 * Gradient-weighted methods: the map weighs the target layer's activations {@code A} by the gradient
 * {@code g = ∂z_c/∂A} of the class logit (one gradient pass through the head compiled to ONNX),
 * per channel (Grad-CAM, Grad-CAM++, Smooth Grad-CAM++, XGrad-CAM) or per position (LayerCAM,
 * HiResCAM, Grad-CAM element-wise); and CAM, whose weights are the linear layer's that the gradient
 * of a GAP → linear head equals up to {@code 1/(h·w)}.
 */
package dev.sscam.cam.gradient;
