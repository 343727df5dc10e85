/** sscam: class activation maps for ONNX image classifiers. */
package dev.sscam;
