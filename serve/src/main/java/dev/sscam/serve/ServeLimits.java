package dev.sscam.serve;

import java.time.Duration;

/**
 * What one request may ask of the server, and how much work it holds at once.
 *
 * @param maxImageBytes largest image accepted, in bytes (the request body may carry 64 KiB of options more)
 * @param maxPixels largest image accepted, in pixels as its header declares them (checked before decoding)
 * @param maxSamples largest SS-CAM {@code N} (and Smooth Grad-CAM++ {@code n}) a request may ask for
 * @param maxMaps most maps one request may ask for (methods × presets or layers compared)
 * @param timeLimit wall time a request's maps may take once started; past it the work is cancelled
 * @param queueCapacity requests waiting for a worker; one more is refused with 503 and Retry-After
 * @param workers requests computed at once (each on the model's shared session)
 */
public record ServeLimits(long maxImageBytes, long maxPixels, int maxSamples, int maxMaps, Duration timeLimit,
    int queueCapacity, int workers) {
  /** Bytes of options a request body may carry beside its image. */
  static final long OPTION_BYTES = 64 * 1024;

  public ServeLimits {
    if (maxImageBytes < 1 || maxPixels < 1 || maxSamples < 1 || maxMaps < 1 || queueCapacity < 0 || workers < 1
        || timeLimit.isNegative() || timeLimit.isZero()) {
      throw new IllegalArgumentException("every limit must be positive (queue capacity may be 0)");
    }
  }

  /**
   * The defaults: 20 MB images of at most 40 megapixels, N ≤ 1000, 16 maps a request, 120 s a request,
   * 32 requests queued, one worker per core.
   */
  public static ServeLimits defaults() {
    return new ServeLimits(20_000_000L, 40_000_000L, 1000, 16, Duration.ofSeconds(120), 32,
        Runtime.getRuntime().availableProcessors());
  }

  /** The largest request body: the image and its options. */
  long maxBodyBytes() {
    return maxImageBytes + OPTION_BYTES;
  }

  /** These limits with another time limit per request. */
  public ServeLimits withTimeLimit(Duration d) {
    return new ServeLimits(maxImageBytes, maxPixels, maxSamples, maxMaps, d, queueCapacity, workers);
  }

  /** These limits with another queue capacity and worker count. */
  public ServeLimits withQueue(int capacity, int workerCount) {
    return new ServeLimits(maxImageBytes, maxPixels, maxSamples, maxMaps, timeLimit, capacity, workerCount);
  }

  /** These limits with other image limits (bytes, declared pixels). */
  public ServeLimits withImageLimits(long bytes, long pixels) {
    return new ServeLimits(bytes, pixels, maxSamples, maxMaps, timeLimit, queueCapacity, workers);
  }
}
