package dev.sscam.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sscam.SscamException;
import dev.sscam.testing.HostileFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken and hostile model files are refused by {@link OnnxModelFile#load} with one line naming the file. */
class GraphIntegrityTest {
  @TempDir Path dir;

  private static AbstractThrowableAssert<?, ? extends Throwable> refused(Path model) {
    return assertThatThrownBy(() -> OnnxModelFile.load(model))
        .isInstanceOf(SscamException.class)
        .hasMessageContaining(model.getFileName().toString())
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void theTinyClassifierPasses() throws IOException {
    Path ok = HostileFiles.model(dir, "ok.onnx", HostileFiles.tinyClassifier(13).build());
    assertThat(OnnxModelFile.load(ok).opset()).isEqualTo(13);
  }

  @Test
  void notOnnxAndTruncated() throws IOException {
    refused(Files.writeString(dir.resolve("notes.onnx"), "hello, not a model")).hasMessageContaining("not an ONNX model");
    refused(HostileFiles.truncatedModel(dir, "half.onnx")).hasMessageContaining("truncated");
  }

  @Test
  void opsetsOutside9To21() throws IOException {
    refused(HostileFiles.model(dir, "old.onnx", HostileFiles.tinyClassifier(8).build()))
        .hasMessageContaining("opset 8").hasMessageContaining("9 to 21");
    refused(HostileFiles.model(dir, "new.onnx", HostileFiles.tinyClassifier(22).build()))
        .hasMessageContaining("opset 22");
    assertThat(OnnxModelFile.load(HostileFiles.model(dir, "nine.onnx", HostileFiles.tinyClassifier(9).build())).opset())
        .isEqualTo(9);
    assertThat(OnnxModelFile.load(HostileFiles.model(dir, "max.onnx", HostileFiles.tinyClassifier(21).build())).opset())
        .isEqualTo(21);
  }

  @Test
  void cycleAndDanglingInput() throws IOException {
    refused(HostileFiles.model(dir, "cycle.onnx", HostileFiles.cyclicModel()))
        .hasMessageContaining("cycle").hasMessageContaining("/loop/");
    refused(HostileFiles.model(dir, "dangling.onnx", HostileFiles.danglingModel()))
        .hasMessageContaining("'/scale/Mul' (Mul) reads 'ghost_scale'");
  }

  @Test
  void absurdDeclaredDimension() throws IOException {
    refused(HostileFiles.model(dir, "huge.onnx", HostileFiles.absurdDimensionModel()))
        .hasMessageContaining("input 'input' declares dimension 1000000000");
  }

  @Test
  void initializerWhoseBytesDisagreeWithItsDims() throws IOException {
    var m = HostileFiles.tinyClassifier(13).build();
    var g = m.getGraph().toBuilder();
    var w = g.getInitializer(1);
    g.setInitializer(1, w.toBuilder().clearFloatData().setRawData(com.google.protobuf.ByteString.copyFrom(new byte[12])));
    refused(HostileFiles.model(dir, "short.onnx", m.toBuilder().setGraph(g).build()))
        .hasMessageContaining("'fc.weight'").hasMessageContaining("(40 bytes) but stores 12 bytes");
    g.setInitializer(1, w.toBuilder().clearFloatData().addAllFloatData(w.getFloatDataList().subList(0, 9)));
    refused(HostileFiles.model(dir, "few.onnx", m.toBuilder().setGraph(g).build()))
        .hasMessageContaining("(10 values) but stores 9 values");
  }

  @Test
  void externalDataMissingTruncatedOrOutsideTheFolder() throws IOException {
    Path models = Files.createDirectories(dir.resolve("models"));
    assertThat(OnnxModelFile.load(HostileFiles.externalDataModel(models, "ext.onnx", "ext.onnx.data", 40)).proto()
        .getGraph().getInitializer(1).getRawData().size()).isEqualTo(40);
    refused(HostileFiles.externalDataModel(models, "gone.onnx", "gone.onnx.data", -1))
        .hasMessageContaining("missing external data file").hasMessageContaining("gone.onnx.data");
    refused(HostileFiles.externalDataModel(models, "cut.onnx", "cut.onnx.data", 12))
        .hasMessageContaining("truncated").hasMessageContaining("cut.onnx.data");
    // the data file exists outside the folder; it must not be read (the message does not leak it)
    refused(HostileFiles.externalDataModel(models, "escape.onnx", "../secret.bin", 40))
        .hasMessageContaining("outside the model's folder");
    refused(HostileFiles.externalDataModel(models, "absolute.onnx", dir.resolve("abs.bin").toString(), 40))
        .hasMessageContaining("outside the model's folder");
  }

  @Test
  void externalDataSymlinkLeavingTheFolderIsRefused() throws IOException {
    Path models = Files.createDirectories(dir.resolve("models"));
    Path outside = Files.write(dir.resolve("outside.bin"), new byte[40]);
    Path model = HostileFiles.externalDataModel(models, "link.onnx", "link.data", -1);
    Files.createSymbolicLink(models.resolve("link.data"), outside);
    refused(model).hasMessageContaining("links outside the model's folder");
  }
}
