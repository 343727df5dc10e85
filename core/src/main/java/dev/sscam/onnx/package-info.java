/**
 * ONNX model handling: reading and editing graphs ({@link dev.sscam.onnx.OnnxGraphBuilder} builds
 * small models, for the gradient compiler and for tests).
 */
package dev.sscam.onnx;
