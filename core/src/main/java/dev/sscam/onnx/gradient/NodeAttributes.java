package dev.sscam.onnx.gradient;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;

/** Reads a node's attributes with the ONNX defaults supplied by the caller. */
public final class NodeAttributes {
  private NodeAttributes() {}

  static AttributeProto find(NodeProto node, String name) {
    for (AttributeProto a : node.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a;
      }
    }
    return null;
  }

  static boolean has(NodeProto node, String name) {
    return find(node, name) != null;
  }

  /** The INT attribute, or {@code dflt} when absent. */
  public static long getInt(NodeProto node, String name, long dflt) {
    AttributeProto a = find(node, name);
    return a == null ? dflt : a.getI();
  }

  static float getFloat(NodeProto node, String name, float dflt) {
    AttributeProto a = find(node, name);
    return a == null ? dflt : a.getF();
  }

  static String getString(NodeProto node, String name, String dflt) {
    AttributeProto a = find(node, name);
    return a == null ? dflt : a.getS().toStringUtf8();
  }

  /** The INTS attribute, or null when absent. */
  public static long[] getInts(NodeProto node, String name) {
    AttributeProto a = find(node, name);
    if (a == null) {
      return null;
    }
    long[] v = new long[a.getIntsCount()];
    for (int i = 0; i < v.length; i++) {
      v[i] = a.getInts(i);
    }
    return v;
  }

  /** The FLOATS attribute, or null when absent. */
  static float[] getFloats(NodeProto node, String name) {
    AttributeProto a = find(node, name);
    if (a == null) {
      return null;
    }
    float[] v = new float[a.getFloatsCount()];
    for (int i = 0; i < v.length; i++) {
      v[i] = a.getFloats(i);
    }
    return v;
  }

  /** A node's display name for error messages: its name, or its first output when unnamed. */
  static String label(NodeProto node) {
    if (!node.getName().isEmpty()) {
      return node.getName();
    }
    return node.getOutputCount() > 0 ? "<unnamed, output " + node.getOutput(0) + ">" : "<unnamed>";
  }
}
