/**
 * A classifier in ONNX Runtime: model cards, batched scoring, candidate target layers and their
 * activations.
 */
package dev.sscam.model;
