package dev.sscam.render;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheFactory;
import dev.sscam.SscamException;
import java.io.StringWriter;

/**
 * HTML pages from Mustache templates on the class path (the one way sscam makes a page: the
 * evaluation report and the study's pages). {@code {{x}}} HTML-escapes its value, so data never
 * becomes markup; only {@code {{{x}}}} inserts trusted, already-built HTML (e.g. a base64 image).
 */
public final class HtmlTemplate {
  // Compiled templates are cached by the factory and are thread-safe to execute.
  private static final MustacheFactory FACTORY = new DefaultMustacheFactory();

  private HtmlTemplate() {}

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
