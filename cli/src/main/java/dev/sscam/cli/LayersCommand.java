package dev.sscam.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sscam.model.OnnxClassifier;
import dev.sscam.model.TargetLayer;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sscam layers}: every candidate target layer. */
@Command(name = "layers", mixinStandardHelpOptions = true,
    description = {"List the candidate target layers, the default marked with *.",
        "A layer is a 4-D feature map read as NCHW, or as NHWC (Swin's blocks, ConvNeXt's LayerNorm), or a token "
            + "sequence [T, C] with T = P + h*w, shown as `tokens P+hxw`: the P prefix tokens (class, distillation, "
            + "registers) are dropped and the patch tokens laid on their h x w grid.",
        "Any of NAME, an alias, the tensor or the node name works with --layer; --tokens, --grid and --layout "
            + "override a reading that is guessed wrong.",
        "The default (unless the model card names one): for a classifier that reads prefix tokens (ViT, DeiT), the "
            + "first normalisation of the last attention block (ln_1 / norm1), the last place where the patch tokens "
            + "still reach the class token; otherwise (CNNs, ConvNeXt, Swin) the last layer with more than 1x1 "
            + "positions before the classifier's pooling.",
        "Shapes come from one probe run, so layers whose rank ONNX Runtime cannot infer (e.g. after a ShuffleNetV2 "
            + "channel shuffle) are listed too."})
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
        for (Map<String, Object> row : m.layers().describe()) {
          out.println(mapper.writeValueAsString(row));
        }
      } else {
        int nw = Math.max(4, m.layers().all().stream().mapToInt(l -> l.name().length()).max().orElse(4));
        int aw = Math.max(7, m.layers().all().stream().mapToInt(l -> String.join(",", l.aliases()).length()).max().orElse(7));
        int rw = Math.max(7, m.layers().all().stream().mapToInt(l -> l.reading().label().length()).max().orElse(7));
        String fmt = "%s %-" + nw + "s  %-" + aw + "s  %-14s %-" + rw + "s  %-18s %s%n";
        out.printf(fmt, " ", "NAME", "ALIASES", "K x h x w", "READING", "OP", "TENSOR");
        for (TargetLayer l : m.layers().all()) {
          out.printf(fmt, l.tensor().equals(def.tensor()) ? "*" : " ", l.name(), String.join(",", l.aliases()),
              l.channels() + "x" + l.height() + "x" + l.width(), l.reading().label(), l.opType(), l.tensor());
        }
        out.println();
        out.println("* default target layer (" + m.layers().defaultReason() + ")");
      }
    }
    out.flush();
    return 0;
  }
}
