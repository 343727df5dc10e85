package dev.sscam.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import dev.sscam.SscamException;
import dev.sscam.onnx.OnnxModelFile;
import dev.sscam.testing.SharedData;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading models: the errors a user meets, external data, fixed batch, layer names. */
class ModelLoadingTest {
  @TempDir Path dir;

  @Test
  void missingFile() {
    assertThatThrownBy(() -> OnnxClassifier.open(dir.resolve("nope.onnx")))
        .isInstanceOf(SscamException.class).hasMessageContaining("model file not found");
  }

  @Test
  void notAnOnnxFile() throws Exception {
    Path p = dir.resolve("text.onnx");
    Files.writeString(p, "this is not a model\n");
    assertThatThrownBy(() -> OnnxClassifier.open(p)).isInstanceOf(SscamException.class).hasMessageContaining("not an ONNX model");
  }

  @Test
  void truncatedOnnxFile() throws Exception {
    byte[] bytes = tinyConvModel(-1).toByteArray();
    Path p = dir.resolve("cut.onnx");
    Files.write(p, Arrays.copyOf(bytes, bytes.length * 2 / 3));
    assertThatThrownBy(() -> OnnxClassifier.open(p)).isInstanceOf(SscamException.class).hasMessageContaining("ONNX model");
  }

  @Test
  void modelWithout4dInput() throws Exception {
    GraphProto g = GraphProto.newBuilder().setName("g")
        .addInput(floatInput("x", 1, 10))
        .addNode(NodeProto.newBuilder().setOpType("Relu").setName("relu").addInput("x").addOutput("y"))
        .addOutput(ValueInfoProto.newBuilder().setName("y"))
        .build();
    Path p = dir.resolve("flat.onnx");
    Files.write(p, model(g).toByteArray());
    assertThatThrownBy(() -> OnnxClassifier.open(p)).isInstanceOf(SscamException.class)
        .hasMessageContaining("input 'x' has rank 2 [1×10]").hasMessageContaining("sscam needs one float32 image input N×3×H×W");
  }

  @Test
  void fixedAndDynamicBatchGiveTheSameLogits() throws Exception {
    float[] x = new float[5 * 3 * 8 * 8];
    Random r = new Random(1);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    try (OnnxClassifier dynamic = OnnxClassifier.open(OnnxModelFile.of(tinyConvModel(-1), "dyn"), null, 2, 1);
        OnnxClassifier fixed = OnnxClassifier.open(OnnxModelFile.of(tinyConvModel(3), "fixed"), null, 2, 1)) {
      assertThat(fixed.batchSize()).isEqualTo(3);
      float[][] a = dynamic.logits(x, 5);
      float[][] b = fixed.logits(x, 5);
      for (int i = 0; i < 5; i++) {
        assertThat(b[i]).containsExactly(a[i]);
      }
      // Hand check of image 0: logit c = w_c · mean over pixels of (sum of channels), see tinyConvModel.
      double mean = 0;
      for (int p = 0; p < 3 * 64; p++) {
        mean += x[p];
      }
      mean /= 64;
      assertThat((double) a[0][0]).isCloseTo(mean, org.assertj.core.api.Assertions.within(1e-4));
      assertThat((double) a[0][1]).isCloseTo(-2 * mean, org.assertj.core.api.Assertions.within(1e-4));
    }
  }

  @Test
  void externalDataIsInlinedAndItsAbsenceIsAnError() throws Exception {
    Path model = SharedData.require("models/squeezenet1_0.onnx");
    ModelProto proto = ModelProto.parseFrom(Files.readAllBytes(model));
    GraphProto.Builder g = proto.getGraph().toBuilder();
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    for (int i = 0; i < g.getInitializerCount(); i++) {
      TensorProto t = g.getInitializer(i);
      if (t.getRawData().size() < 1024) {
        continue;
      }
      long offset = data.size();
      t.getRawData().writeTo(data);
      g.setInitializer(i, t.toBuilder().clearRawData()
          .setDataLocation(TensorProto.DataLocation.EXTERNAL)
          .addExternalData(entry("location", "ext.onnx.data"))
          .addExternalData(entry("offset", Long.toString(offset)))
          .addExternalData(entry("length", Long.toString(t.getRawData().size()))));
    }
    Path ext = dir.resolve("ext.onnx");
    Files.write(ext, proto.toBuilder().setGraph(g).build().toByteArray());
    Files.write(dir.resolve("ext.onnx.data"), data.toByteArray());
    assertThat(Files.size(ext)).isLessThan(Files.size(model) / 10);
    float[] x = new float[3 * 224 * 224];
    Arrays.fill(x, 0.5f);
    try (OnnxClassifier inline = OnnxClassifier.open(model); OnnxClassifier external = OnnxClassifier.open(ext)) {
      assertThat(external.logits(x, 1)[0]).containsExactly(inline.logits(x, 1)[0]);
      assertThat(external.layers().defaultLayer().tensor()).isEqualTo("/classifier/classifier.2/Relu_output_0");
    }
    Files.write(dir.resolve("ext.onnx.data"), Arrays.copyOf(data.toByteArray(), data.size() / 2));
    assertThatThrownBy(() -> OnnxClassifier.open(ext)).isInstanceOf(SscamException.class).hasMessageContaining("truncated");
    Files.delete(dir.resolve("ext.onnx.data"));
    assertThatThrownBy(() -> OnnxClassifier.open(ext)).isInstanceOf(SscamException.class)
        .hasMessageContaining("missing external data file");
  }

  @Test
  void layerNamesFollowTorchModulePaths() {
    Path model = SharedData.require("models/resnet18h.onnx");
    try (OnnxClassifier m = OnnxClassifier.open(model)) {
      TargetLayer layer4 = m.layer("layer4");
      assertThat(layer4.tensor()).isEqualTo("/layer4/layer4.1/relu_1/Relu_output_0");
      assertThat(layer4.name()).isEqualTo("layer4.1.relu_1");
      assertThat(m.layer("layer4.1")).isEqualTo(layer4);
      assertThat(m.layer("/layer4/layer4.1/Add_output_0").name()).isEqualTo("layer4.1:Add");
      assertThat(m.layer("/layer4/layer4.1/conv2/Conv").name()).isEqualTo("layer4.1.conv2");
      assertThat(m.layer(null)).isEqualTo(layer4);
      assertThat(layer4.channels()).isEqualTo(256);
      assertThat(layer4.height()).isEqualTo(7);
      assertThatThrownBy(() -> m.layer("layer5")).isInstanceOf(SscamException.class)
          .hasMessageContaining("unknown layer 'layer5'").hasMessageContaining("layer4");
      // Resolved layers are kept (every map asks): asked again, each name gives the same answer,
      // and an unknown name fails every time rather than being remembered as something.
      assertThat(m.layer("layer4.1")).isEqualTo(layer4);
      assertThat(m.layer(null)).isEqualTo(layer4);
      assertThat(m.layer("/layer4/layer4.1/Add_output_0").name()).isEqualTo("layer4.1:Add");
      assertThatThrownBy(() -> m.layer("layer5")).isInstanceOf(SscamException.class)
          .hasMessageContaining("unknown layer 'layer5'");
    }
  }

  @Test
  void squeezenetDefaultsToTheCardsLayer() {
    Path model = SharedData.require("models/squeezenet1_0.onnx");
    try (OnnxClassifier m = OnnxClassifier.open(model)) {
      assertThat(m.layer(null).tensor()).isEqualTo("/features/features.12/Concat_output_0");
      assertThat(m.layer("features").name()).isEqualTo("features.12");
      assertThat(m.numClasses()).isEqualTo(10);
      assertThat(m.card().label(5)).isEqualTo("Sandal");
    }
  }

  /**
   * x [N,3,8,8] → 1×1 conv summing the channels → GlobalAveragePool → Flatten → MatMul with [[1,
   * -2]]: logit0 = mean(Σ_c x), logit1 = −2·mean(Σ_c x). {@code batch} ≤ 0 gives a dynamic batch.
   */
  static ModelProto tinyConvModel(int batch) {
    TensorProto w = floats("w", new long[] {1, 3, 1, 1}, 1, 1, 1);
    TensorProto fc = floats("fc", new long[] {1, 2}, 1, -2);
    GraphProto g = GraphProto.newBuilder().setName("tiny")
        .addInput(floatInput("x", batch, 3, 8, 8))
        .addInitializer(w).addInitializer(fc)
        .addNode(NodeProto.newBuilder().setOpType("Conv").setName("/features/conv/Conv").addInput("x").addInput("w").addOutput("a"))
        .addNode(NodeProto.newBuilder().setOpType("GlobalAveragePool").setName("/pool/GlobalAveragePool").addInput("a").addOutput("p"))
        .addNode(NodeProto.newBuilder().setOpType("Flatten").setName("/Flatten").addInput("p").addOutput("f"))
        .addNode(NodeProto.newBuilder().setOpType("MatMul").setName("/fc/MatMul").addInput("f").addInput("fc").addOutput("logits"))
        .addOutput(ValueInfoProto.newBuilder().setName("logits"))
        .build();
    return model(g);
  }

  private static ModelProto model(GraphProto g) {
    return ModelProto.newBuilder().setIrVersion(7).setProducerName("test")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(g).build();
  }

  private static ValueInfoProto floatInput(String name, long... dims) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    for (long d : dims) {
      s.addDim(d > 0 ? TensorShapeProto.Dimension.newBuilder().setDimValue(d) : TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
    }
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
        TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(s))).build();
  }

  private static TensorProto floats(String name, long[] dims, float... v) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * v.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      b.putFloat(f);
    }
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
        .setRawData(ByteString.copyFrom(b.array()));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  private static StringStringEntryProto entry(String k, String v) {
    return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
  }
}
