package dev.sscam.onnx;

import ai.onnxruntime.OrtEnvironment;

/**
 * A JVM that loads ONNX Runtime's natives (extracting them into its {@code java.io.tmpdir}), says
 * so, and waits to be killed: the owner of one extracted folder in {@link OrtNativeFoldersTest}.
 */
public final class OrtLoadingChild {
  private OrtLoadingChild() {}

  public static void main(String[] args) throws Exception {
    OrtEnvironment.getEnvironment();
    System.out.println("loaded");
    System.out.flush();
    Thread.sleep(120_000); // ends by itself should the test die before killing it
  }
}
