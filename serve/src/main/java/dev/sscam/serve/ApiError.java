package dev.sscam.serve;

/**
 * A request the server refuses, with the HTTP status and the one-line message its {@code {"error": …}}
 * body carries: 400 (the body cannot be read: no image, not an image, bad JSON), 401 (no or a wrong
 * token), 404, 413 (over a size limit: bytes or pixels), 422 (well-formed but not acceptable: an
 * unknown method, layer or option, a value out of range), 503 (the queue is full), 504 (the time limit
 * passed).
 */
final class ApiError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;

  ApiError(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  /** The HTTP status. */
  int status() {
    return status;
  }

  static ApiError badRequest(String message) {
    return new ApiError(400, message);
  }

  static ApiError tooLarge(String message) {
    return new ApiError(413, message);
  }

  static ApiError unprocessable(String message) {
    return new ApiError(422, message);
  }

  static ApiError notFound(String message) {
    return new ApiError(404, message);
  }
}
