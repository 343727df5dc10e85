package dev.sscam.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sscam.SscamException;

/**
 * Any bytes parsed as a {@code .npy} file end in an array whose size matches its shape, or in an
 * {@link SscamException}. Seeds: {@code src/test/resources/dev/sscam/io/NpyFuzzTestInputs/readNpy}
 * (float32 2-D, 4-D, scalar, big-endian float64, a reference map numpy wrote).
 */
class NpyFuzzTest {
  @FuzzTest(maxDuration = "10m")
  void readNpy(byte[] bytes) {
    try {
      Npy.Array a = Npy.parse(bytes, "fuzz.npy");
      long count = 1;
      for (int d : a.shape()) {
        count *= d;
      }
      if (count != a.data().length) {
        throw new IllegalStateException("shape holds " + count + " values, data has " + a.data().length);
      }
    } catch (SscamException expected) {
      // a clear refusal is a correct outcome
    }
  }
}
