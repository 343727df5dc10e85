package dev.sscam.serve;

import java.nio.file.Path;
import java.util.List;

/**
 * How a server listens and what it allows.
 *
 * @param host address to bind ({@code 127.0.0.1}: this machine only)
 * @param port port, 0 for any free one
 * @param limits per-request limits and the work queue's size
 * @param token the bearer token the API requires, or null for none
 * @param examples images the explorer offers to pick (the bundled examples)
 */
public record ServeConfig(String host, int port, ServeLimits limits, String token, List<Path> examples) {
  public ServeConfig {
    if (token != null && token.isBlank()) {
      throw new IllegalArgumentException("a token cannot be blank");
    }
    examples = List.copyOf(examples);
  }

  /** Loopback, any free port, the default limits, no token, no examples (tests). */
  public static ServeConfig loopback() {
    return new ServeConfig("127.0.0.1", 0, ServeLimits.defaults(), null, List.of());
  }

  /** This configuration with other limits. */
  public ServeConfig withLimits(ServeLimits l) {
    return new ServeConfig(host, port, l, token, examples);
  }

  /** This configuration with a token (null: none). */
  public ServeConfig withToken(String t) {
    return new ServeConfig(host, port, limits, t, examples);
  }

  /** This configuration with other example images. */
  public ServeConfig withExamples(List<Path> e) {
    return new ServeConfig(host, port, limits, token, e);
  }

  /** This configuration with another port. */
  public ServeConfig withPort(int p) {
    return new ServeConfig(host, p, limits, token, examples);
  }
}
