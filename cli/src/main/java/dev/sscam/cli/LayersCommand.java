package dev.sscam.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sscam.model.OnnxClassifier;
import dev.sscam.model.TargetLayer;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sscam layers}: every candidate target layer. */
@Command(name = "layers", mixinStandardHelpOptions = true,
    description = {"List the candidate target layers (4-D float outputs), the default marked with *.",
        "Any of NAME, an alias, the tensor or the node name works with --layer.",
        "Shapes come from one probe run, so layers whose rank ONNX Runtime cannot infer (e.g. after a",
        "ShuffleNetV2 channel shuffle) are listed too."})
final class LayersCommand implements Callable<Integer> {
  @Mixin ModelOptions model;

  @Option(names = "--json", description = "Print one JSON object per layer.")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (OnnxClassifier m = model.open()) {
      TargetLayer def = m.layers().defaultLayer();
      if (json) {
        ObjectMapper mapper = new ObjectMapper();
        for (TargetLayer l : m.layers().all()) {
          Map<String, Object> o = new LinkedHashMap<>();
          o.put("name", l.name());
          o.put("aliases", l.aliases());
          o.put("tensor", l.tensor());
          o.put("node", l.node());
          o.put("op", l.opType());
          o.put("channels", l.channels());
          o.put("height", l.height());
          o.put("width", l.width());
          o.put("default", l == def);
          out.println(mapper.writeValueAsString(o));
        }
      } else {
        int nw = Math.max(4, m.layers().all().stream().mapToInt(l -> l.name().length()).max().orElse(4));
        int aw = Math.max(7, m.layers().all().stream().mapToInt(l -> String.join(",", l.aliases()).length()).max().orElse(7));
        String fmt = "%s %-" + nw + "s  %-" + aw + "s  %-14s %-18s %s%n";
        out.printf(fmt, " ", "NAME", "ALIASES", "K x h x w", "OP", "TENSOR");
        for (TargetLayer l : m.layers().all()) {
          out.printf(fmt, l == def ? "*" : " ", l.name(), String.join(",", l.aliases()),
              l.channels() + "x" + l.height() + "x" + l.width(), l.opType(), l.tensor());
        }
        out.println();
        out.println("* default target layer" + (m.card().targetLayer() != null ? " (from the model card)" : " (last feature map before global pooling)"));
      }
    }
    out.flush();
    return 0;
  }
}
