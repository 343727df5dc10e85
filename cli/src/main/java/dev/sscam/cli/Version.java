package dev.sscam.cli;

import picocli.CommandLine;

/** Version text: sscam's and ONNX Runtime's. */
final class Version implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Main.class.getPackage().getImplementationVersion();
    return new String[] {"sscam " + (v == null ? "dev" : v), "ONNX Runtime " + ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion(),
        "Java " + System.getProperty("java.version")};
  }
}
