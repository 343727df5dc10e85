package dev.sscam.model;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PyTorch module path of an ONNX node, as the exporters record it.
 *
 * <ul>
 *   <li>TorchScript exporter: node names carry the scope, {@code /layer4/layer4.1/relu_1/Relu}; the
 *       last dotted part of each segment but the op's own, joined with dots, is the module path
 *       ({@code layer4.1.relu_1}).
 *   <li>torch.export exporter: {@code metadata_props["pkg.torch.onnx.name_scopes"]} holds a list
 *       such as {@code ['', 'layer4', 'layer4.1', 'relu_1']}, read with the same rule.
 *   <li>Other producers (tf2onnx: {@code block5_conv3/Relu}): the node name without its last
 *       segment, or the node name itself.
 * </ul>
 */
final class ModuleScope {
  private static final Pattern QUOTED = Pattern.compile("'([^']*)'|\"([^\"]*)\"");

  private ModuleScope() {}

  /** Module path segments of {@code node}, outermost first; empty for the root module. */
  static List<String> of(NodeProto node) {
    List<String> scopes = nameScopesMetadata(node);
    if (scopes != null) {
      List<String> out = new ArrayList<>();
      for (String s : scopes) {
        if (!s.isEmpty()) {
          out.add(lastDotted(s));
        }
      }
      return out;
    }
    String name = node.getName();
    List<String> out = new ArrayList<>();
    if (name.startsWith("/")) {
      String[] seg = name.substring(1).split("/");
      for (int i = 0; i < seg.length - 1; i++) {
        if (!seg[i].isEmpty()) {
          out.add(lastDotted(seg[i]));
        }
      }
      return out;
    }
    int slash = name.lastIndexOf('/');
    if (slash > 0) {
      for (String s : name.substring(0, slash).split("/")) {
        if (!s.isEmpty()) {
          out.add(s);
        }
      }
    }
    return out;
  }

  private static String lastDotted(String s) {
    int dot = s.lastIndexOf('.');
    return dot >= 0 ? s.substring(dot + 1) : s;
  }

  private static List<String> nameScopesMetadata(NodeProto node) {
    for (StringStringEntryProto e : node.getMetadataPropsList()) {
      if (e.getKey().equals("pkg.torch.onnx.name_scopes")) {
        List<String> out = new ArrayList<>();
        Matcher m = QUOTED.matcher(e.getValue());
        while (m.find()) {
          out.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return out;
      }
    }
    return null;
  }
}
