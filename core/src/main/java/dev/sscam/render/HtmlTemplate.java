package dev.sscam.render;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheFactory;
import dev.sscam.SscamException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * HTML pages from Mustache templates on the class path (the one way sscam makes a page: the
 * evaluation report and the study's pages). {@code {{x}}} HTML-escapes its value ({@code & < > "}), so
 * data never becomes markup in element text or in double-quoted attributes (the only kind our templates
 * use); only {@code {{{x}}}} inserts trusted, already-built HTML (e.g. a base64 image).
 *
 * <p>Mustache (mustache.java) rather than jte: logic-less templates that are plain files on the class
 * path, compiled at run time by one small library with no dependencies and no build plugin.
 */
public final class HtmlTemplate {
  // Compiled templates are cached by the factory and are thread-safe to execute.
  private static final MustacheFactory FACTORY = new DefaultMustacheFactory() {
    @Override
    public void encode(String value, Writer writer) {
      try {
        writer.write(escape(value));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  private HtmlTemplate() {}

  /** {@code s} with {@code & < > "} replaced by their HTML entities. */
  public static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  /**
   * Renders the template at class-path resource {@code resource} (e.g. {@code "dev/sscam/study/trial.mustache"})
   * with {@code scope} (a map, record or bean whose names the template reads).
   */
  public static String render(String resource, Object scope) {
    Mustache template;
    try {
      template = FACTORY.compile(resource);
    } catch (RuntimeException e) {
      throw new SscamException("HTML template " + resource + " cannot be loaded: " + e.getMessage());
    }
    StringWriter out = new StringWriter();
    template.execute(out, scope);
    return out.toString();
  }
}
