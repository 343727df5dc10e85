package dev.sscam.onnx.gradient;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Reads the values of small constant tensors (shape vectors, axes, Slice bounds) from their protobuf. */
public final class TensorValues {
  private TensorValues() {}

  /** The values of an int64 or int32 tensor, from int64_data/int32_data or raw_data (little-endian). */
  public static long[] int64s(TensorProto t) {
    boolean is32 = t.getDataType() == TensorProto.DataType.INT32_VALUE;
    if (!t.getRawData().isEmpty()) {
      ByteBuffer bb = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      int n = bb.remaining() / (is32 ? 4 : 8);
      long[] v = new long[n];
      for (int i = 0; i < n; i++) {
        v[i] = is32 ? bb.getInt() : bb.getLong();
      }
      return v;
    }
    if (is32) {
      return t.getInt32DataList().stream().mapToLong(Integer::longValue).toArray();
    }
    return t.getInt64DataList().stream().mapToLong(Long::longValue).toArray();
  }

  /**
   * A step-1 Slice bound as ONNX reads it on an axis of size {@code dim}: a negative bound counts
   * from the end, and the result is clamped to {@code [0, dim]}.
   */
  static long sliceBound(long bound, long dim) {
    return Math.max(0, Math.min(bound < 0 ? bound + dim : bound, dim));
  }
}
