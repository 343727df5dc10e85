package dev.sscam.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import com.google.protobuf.UnknownFieldSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Module paths as each exporter records them. */
class ModuleScopeTest {

  @Test
  void torchScriptExporterNodeNames() {
    assertThat(ModuleScope.of(node("/layer4/layer4.1/relu_1/Relu"))).containsExactly("layer4", "1", "relu_1");
    assertThat(ModuleScope.of(node("/features/features.12/Concat"))).containsExactly("features", "12");
    assertThat(ModuleScope.of(node("/Flatten"))).isEmpty();
  }

  @Test
  void torchExportExporterNameScopesMetadata() {
    // NodeProto.metadata_props is field 9 (ONNX >= 1.16): written here as raw field 9, as in a file.
    StringStringEntryProto scopes = StringStringEntryProto.newBuilder()
        .setKey("pkg.torch.onnx.name_scopes").setValue("['', 'layer4', 'layer4.1', 'relu_1']").build();
    StringStringEntryProto other = StringStringEntryProto.newBuilder().setKey("pkg.torch.onnx.class_hierarchy").setValue("['x']").build();
    NodeProto n = node("node_Relu_376").toBuilder().setUnknownFields(UnknownFieldSet.newBuilder()
        .addField(9, UnknownFieldSet.Field.newBuilder()
            .addLengthDelimited(other.toByteString()).addLengthDelimited(scopes.toByteString()).build())
        .build()).build();
    NodeProto reparsed = parse(n.toByteArray());
    assertThat(String.join(".", ModuleScope.of(reparsed))).isEqualTo("layer4.1.relu_1");
  }

  @Test
  void tf2onnxKerasNames() {
    assertThat(ModuleScope.of(node("block5_conv3/Relu"))).isEqualTo(List.of("block5_conv3"));
    assertThat(ModuleScope.of(node("conv"))).isEmpty();
  }

  private static NodeProto node(String name) {
    return NodeProto.newBuilder().setName(name).setOpType("Relu").addInput("x").addOutput("y").build();
  }

  private static NodeProto parse(byte[] bytes) {
    try {
      return NodeProto.parseFrom(bytes);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
