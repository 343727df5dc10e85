package dev.sscam.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.sscam.SscamException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * An ONNX model read from disk, with every weight held inline.
 *
 * <p>PyTorch's current exporter writes weights to a side file ({@code model.onnx.data}); ONNX Runtime
 * only finds such files when it loads the model from its own path. sscam edits graphs (extra
 * outputs, gradient heads) and loads them from bytes, so the external data is read here once and
 * inlined. Errors a user can meet (missing file, not ONNX, truncated, missing or truncated external
 * data, external data outside the model's folder, an opset outside 9–21, a dangling or cyclic graph,
 * absurd declared sizes: see {@link GraphIntegrity}) are {@link SscamException}s naming the file,
 * raised before ONNX Runtime sees the model.
 */
public final class OnnxModelFile {
  private final Path path;
  private final ModelProto proto;
  private final String sha256;

  private OnnxModelFile(Path path, ModelProto proto, String sha256) {
    this.path = path;
    this.proto = proto;
    this.sha256 = sha256;
  }

  /** Reads {@code path} and inlines its external data. */
  public static OnnxModelFile load(Path path) {
    if (!Files.exists(path)) {
      throw new SscamException("model file not found: " + path);
    }
    if (Files.isDirectory(path)) {
      throw new SscamException("model path is a folder, not an ONNX file: " + path);
    }
    MessageDigest digest = sha256Digest();
    ModelProto proto;
    try (InputStream in = new DigestInputStream(Files.newInputStream(path), digest)) {
      CodedInputStream coded = CodedInputStream.newInstance(in);
      coded.setSizeLimit(Integer.MAX_VALUE);
      proto = ModelProto.parseFrom(coded);
    } catch (InvalidProtocolBufferException e) {
      throw new SscamException("not an ONNX model (or a truncated one): " + path, e);
    } catch (NoSuchFileException e) {
      throw new SscamException("model file not found: " + path, e);
    } catch (IOException e) {
      throw new SscamException("cannot read model " + path + ": " + e.getMessage(), e);
    }
    if (proto.getIrVersion() <= 0 || !proto.hasGraph() || proto.getGraph().getNodeCount() == 0) {
      throw new SscamException("not an ONNX model (no graph found): " + path);
    }
    Set<Path> externalFiles = new LinkedHashSet<>();
    proto = inlineExternalData(proto, path, externalFiles);
    GraphIntegrity.check(proto, path);
    for (Path external : externalFiles) {
      try (InputStream in = new DigestInputStream(Files.newInputStream(external), digest)) {
        in.transferTo(java.io.OutputStream.nullOutputStream());
      } catch (IOException e) {
        throw new SscamException("cannot read external data " + external + ": " + e.getMessage(), e);
      }
    }
    return new OnnxModelFile(path, proto, HexFormat.of().formatHex(digest.digest()));
  }

  /** Wraps a model built in memory (tests, generated graphs); its hash is that of its bytes. */
  public static OnnxModelFile of(ModelProto proto, String name) {
    MessageDigest digest = sha256Digest();
    digest.update(proto.toByteArray());
    return new OnnxModelFile(Path.of(name), proto, HexFormat.of().formatHex(digest.digest()));
  }

  /** Where the model came from. */
  public Path path() {
    return path;
  }

  /** The model with all weights inline. */
  public ModelProto proto() {
    return proto;
  }

  /** SHA-256 of the model file followed by its external data files, in hex: the provenance id. */
  public String sha256() {
    return sha256;
  }

  /** The default-domain opset the model imports (ONNX's {@code ""} or {@code "ai.onnx"}). */
  public long opset() {
    return proto.getOpsetImportList().stream()
        .filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
        .mapToLong(o -> o.getVersion())
        .findFirst()
        .orElse(0);
  }

  private static ModelProto inlineExternalData(ModelProto proto, Path model, Set<Path> used) {
    GraphProto graph = proto.getGraph();
    boolean any = graph.getInitializerList().stream()
        .anyMatch(t -> t.getDataLocation() == TensorProto.DataLocation.EXTERNAL);
    boolean anyConstant = graph.getNodeList().stream()
        .flatMap(n -> n.getAttributeList().stream())
        .anyMatch(a -> a.hasT() && a.getT().getDataLocation() == TensorProto.DataLocation.EXTERNAL);
    if (!any && !anyConstant) {
      return proto;
    }
    GraphProto.Builder g = graph.toBuilder();
    for (int i = 0; i < g.getInitializerCount(); i++) {
      TensorProto t = g.getInitializer(i);
      if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
        g.setInitializer(i, inline(t, model, used));
      }
    }
    for (int i = 0; i < g.getNodeCount(); i++) {
      NodeProto n = g.getNode(i);
      NodeProto.Builder nb = null;
      for (int a = 0; a < n.getAttributeCount(); a++) {
        if (n.getAttribute(a).hasT()
            && n.getAttribute(a).getT().getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
          if (nb == null) {
            nb = n.toBuilder();
          }
          nb.setAttribute(a, n.getAttribute(a).toBuilder().setT(inline(n.getAttribute(a).getT(), model, used)));
        }
      }
      if (nb != null) {
        g.setNode(i, nb);
      }
    }
    return proto.toBuilder().setGraph(g).build();
  }

  private static TensorProto inline(TensorProto t, Path model, Set<Path> used) {
    String location = null;
    long offset = 0;
    long length = -1;
    for (StringStringEntryProto e : t.getExternalDataList()) {
      switch (e.getKey()) {
        case "location" -> location = e.getValue();
        case "offset" -> offset = externalNumber(e, t, model);
        case "length" -> length = externalNumber(e, t, model);
        default -> { }
      }
    }
    if (location == null || location.isEmpty()) {
      throw new SscamException("model " + model + ": tensor '" + t.getName() + "' is stored externally but names no file");
    }
    Path file = externalFile(location, t, model);
    used.add(file);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (length < 0) {
        length = size - offset;
      }
      if (offset > size || length < 0 || offset + length > size || length > Integer.MAX_VALUE) {
        throw new SscamException("external data file " + file + " is truncated: tensor '" + t.getName()
            + "' of model " + model + " needs bytes " + offset + ".." + (offset + length) + " of " + size);
      }
      ByteBuffer buf = ByteBuffer.allocate((int) length);
      while (buf.hasRemaining()) {
        if (ch.read(buf, offset + buf.position()) < 0) {
          throw new SscamException("external data file " + file + " ended early");
        }
      }
      buf.flip();
      return t.toBuilder()
          .clearExternalData()
          .setDataLocation(TensorProto.DataLocation.DEFAULT)
          .setRawData(ByteString.copyFrom(buf))
          .build();
    } catch (IOException e) {
      throw new SscamException("cannot read external data " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The external data file {@code location} names, which must lie inside the model's folder (after
   * resolving {@code ..} and symbolic links): a model must not make sscam read other files.
   */
  private static Path externalFile(String location, TensorProto t, Path model) {
    Path dir = model.toAbsolutePath().getParent();
    Path file;
    try {
      file = dir.resolve(location).normalize();
    } catch (java.nio.file.InvalidPathException e) {
      throw new SscamException("model " + model + ": tensor '" + t.getName() + "' names external data '"
          + location + "', which is not a valid file name");
    }
    if (!file.startsWith(dir)) {
      throw new SscamException("model " + model + ": tensor '" + t.getName() + "' names external data '"
          + location + "' outside the model's folder; refused");
    }
    if (!Files.isRegularFile(file)) {
      throw new SscamException("missing external data file " + file + " (needed by tensor '" + t.getName()
          + "' of model " + model + ")");
    }
    try {
      if (!file.toRealPath().startsWith(dir.toRealPath())) {
        throw new SscamException("model " + model + ": external data '" + location
            + "' links outside the model's folder; refused");
      }
    } catch (IOException e) {
      throw new SscamException("cannot read external data " + file + ": " + e.getMessage(), e);
    }
    return file;
  }

  private static long externalNumber(StringStringEntryProto e, TensorProto t, Path model) {
    try {
      long v = Long.parseLong(e.getValue().strip());
      if (v < 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException notANumber) {
      throw new SscamException("model " + model + ": tensor '" + t.getName() + "' has external data "
          + e.getKey() + " '" + e.getValue() + "', not a byte count");
    }
  }

  private static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
