package dev.sscam.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;

/**
 * What a request to explain or predict carries: the image's bytes and its JSON options. Either a
 * {@code multipart/form-data} body with the fields {@code image} (the file) and {@code options} (JSON
 * text), or a raw body that is the image itself with the options as the {@code options} query parameter.
 *
 * @param image the image file's bytes, not yet decoded
 * @param options the options object ({@code {}} when none are given)
 */
record ImageRequest(byte[] image, ObjectNode options) {
  /**
   * How much of an oversized body is read and thrown away so that its 413 reaches the client (a reply
   * sent while the client is still writing makes the connection reset, and the client sees no answer).
   */
  static final long DRAIN_BYTES = 64L * 1024 * 1024;

  /** Reads the request, within {@code limits}. */
  static ImageRequest read(Context ctx, ServeLimits limits, ObjectMapper json) {
    byte[] body = body(ctx, limits.maxBodyBytes());
    String type = ctx.header("Content-Type");
    byte[] image;
    String optionText;
    if (type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      Map<String, MultipartBody.Part> parts = MultipartBody.parse(type, body);
      MultipartBody.Part file = parts.get("image");
      if (file == null) {
        throw ApiError.badRequest("the multipart body has no 'image' field");
      }
      image = file.bytes();
      MultipartBody.Part o = parts.get("options");
      optionText = o == null ? null : o.text();
    } else {
      image = body;
      optionText = ctx.queryParam("options");
    }
    if (image.length == 0) {
      throw ApiError.badRequest("the image is empty (0 bytes)");
    }
    if (image.length > limits.maxImageBytes()) {
      throw ApiError.tooLarge("the image has " + image.length + " bytes, over the limit of " + limits.maxImageBytes());
    }
    return new ImageRequest(image, options(optionText, json));
  }

  /** The options object of {@code text} (null or blank: none). */
  static ObjectNode options(String text, ObjectMapper json) {
    if (text == null || text.isBlank()) {
      return json.createObjectNode();
    }
    JsonNode n;
    try {
      n = json.readTree(text);
    } catch (JsonProcessingException e) {
      throw ApiError.badRequest("options are not valid JSON: " + e.getOriginalMessage());
    }
    if (!(n instanceof ObjectNode o)) {
      throw ApiError.badRequest("options must be a JSON object, e.g. {\"method\": \"grad-cam\"}");
    }
    return o;
  }

  /** The body, at most {@code limit} bytes; a larger one is drained (up to {@link #DRAIN_BYTES}) and refused. */
  static byte[] body(Context ctx, long limit) {
    long declared = ctx.req().getContentLengthLong();
    try (InputStream in = ctx.req().getInputStream()) {
      if (declared > limit) {
        drainOrClose(ctx, in);
        throw ApiError.tooLarge("the request body has " + declared + " bytes, over the limit of " + limit);
      }
      byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
      if (body.length > limit) {
        drainOrClose(ctx, in);
        throw ApiError.tooLarge("the request body is over the limit of " + limit + " bytes");
      }
      return body;
    } catch (IOException e) {
      throw ApiError.badRequest("the request body could not be read: " + e.getMessage());
    }
  }

  private static void drainOrClose(Context ctx, InputStream in) throws IOException {
    byte[] sink = new byte[64 * 1024];
    long read = 0;
    while (read <= DRAIN_BYTES) {
      int n = in.read(sink);
      if (n < 0) {
        return;
      }
      read += n;
    }
    ctx.header("Connection", "close");
  }
}
