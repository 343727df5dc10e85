/**
 * ONNX graphs as data: reading model files (with external weights inlined), exposing inner tensors,
 * building small graphs, and compiling a head's gradient into a graph of its own.
 */
package dev.sscam.onnx;
