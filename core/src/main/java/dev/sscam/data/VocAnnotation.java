package dev.sscam.data;

import dev.sscam.SscamException;
import dev.sscam.metrics.PixelBox;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * A PASCAL VOC annotation as ILSVRC ships it: {@code <size><width/><height/></size>} and any
 * number of {@code <object><name/><bndbox><xmin/><ymin/><xmax/><ymax/></bndbox></object>}.
 *
 * <p>Coordinates are read as pixel indices, both ends inclusive; integer text is expected, and a
 * decimal (some VOC tools write {@code 12.0}) is rounded to the nearest integer. A box with min
 * after max is refused. Coordinates outside the image are kept here and clamped when scaled
 * ({@link dev.sscam.metrics.Region#ofBoxes}).
 *
 * <p>Security: the parser refuses any DOCTYPE ({@code disallow-doctype-decl}), so no DTD, no
 * internal or external entity and no XInclude is ever processed (XXE); external DTD and schema
 * access are disabled as well, and secure processing limits are on.
 *
 * @param width the {@code size/width}, or 0 when absent
 * @param height the {@code size/height}, or 0 when absent
 * @param objects the annotated objects, in file order
 */
public record VocAnnotation(int width, int height, List<AnnotatedObject> objects) {

  /**
   * One {@code object}.
   *
   * @param name the {@code name} text (a wnid for ILSVRC)
   * @param box its {@code bndbox}
   */
  public record AnnotatedObject(String name, PixelBox box) {}

  /** Copies the object list. */
  public VocAnnotation {
    objects = List.copyOf(objects);
  }

  /** Parses {@code file}; every failure is an {@link SscamException} naming the file. */
  public static VocAnnotation read(Path file) {
    Document doc;
    try (InputStream in = Files.newInputStream(file)) {
      DocumentBuilder builder = BUILDER.get();
      builder.reset();
      builder.setErrorHandler(SILENT); // errors become exceptions, not lines on stderr
      doc = builder.parse(in, file.toUri().toString());
    } catch (SAXParseException e) {
      String msg = e.getMessage() == null ? "" : e.getMessage();
      if (msg.contains("DOCTYPE")) {
        throw new SscamException("annotation " + file + " has a DOCTYPE, which is refused (DTDs and external entities"
            + " are not allowed in annotations)", e);
      }
      throw new SscamException("annotation " + file + " is not valid XML (line " + e.getLineNumber() + ": " + msg + ")", e);
    } catch (SAXException e) {
      throw new SscamException("annotation " + file + " is not valid XML: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new SscamException("cannot read annotation " + file + ": " + e.getMessage(), e);
    }
    Element root = doc.getDocumentElement();
    int width = 0;
    int height = 0;
    Element size = child(root, "size");
    if (size != null) {
      width = number(file, size, "width", "size");
      height = number(file, size, "height", "size");
    }
    List<AnnotatedObject> objects = new ArrayList<>();
    NodeList nodes = root.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      if (nodes.item(i) instanceof Element e && e.getTagName().equals("object")) {
        String where = "object " + (objects.size() + 1);
        Element name = child(e, "name");
        if (name == null || name.getTextContent().isBlank()) {
          throw new SscamException("annotation " + file + ": " + where + " has no <name>");
        }
        Element box = child(e, "bndbox");
        if (box == null) {
          throw new SscamException("annotation " + file + ": " + where + " has no <bndbox>");
        }
        int xmin = number(file, box, "xmin", where);
        int ymin = number(file, box, "ymin", where);
        int xmax = number(file, box, "xmax", where);
        int ymax = number(file, box, "ymax", where);
        if (xmin > xmax || ymin > ymax) {
          throw new SscamException("annotation " + file + ": " + where + " has min after max (x " + xmin + ".." + xmax
              + ", y " + ymin + ".." + ymax + ")");
        }
        objects.add(new AnnotatedObject(name.getTextContent().strip(), new PixelBox(xmin, ymin, xmax, ymax)));
      }
    }
    return new VocAnnotation(width, height, objects);
  }

  // Building a factory costs milliseconds (service lookup), more than parsing a small file;
  // builders are not thread-safe, so one per thread.
  private static final ThreadLocal<DocumentBuilder> BUILDER = ThreadLocal.withInitial(() -> {
    try {
      return secureFactory().newDocumentBuilder();
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the XML parser cannot be configured securely", e);
    }
  });

  static DocumentBuilderFactory secureFactory() throws ParserConfigurationException {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    f.setFeature("http://xml.org/sax/features/external-general-entities", false);
    f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    f.setXIncludeAware(false);
    f.setExpandEntityReferences(false);
    f.setNamespaceAware(false);
    f.setValidating(false);
    return f;
  }

  private static Element child(Element parent, String tag) {
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      if (nodes.item(i) instanceof Element e && e.getTagName().equals(tag)) {
        return e;
      }
    }
    return null;
  }

  private static int number(Path file, Element parent, String tag, String where) {
    Element e = child(parent, tag);
    if (e == null) {
      throw new SscamException("annotation " + file + ": " + where + " has no <" + tag + ">");
    }
    String text = e.getTextContent().strip();
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException notInt) {
      try {
        double v = Double.parseDouble(text);
        if (Double.isFinite(v)) {
          return (int) Math.round(v);
        }
      } catch (NumberFormatException ignored) {
        // reported below
      }
      throw new SscamException("annotation " + file + ": " + where + " <" + tag + "> is '" + text + "', not a number");
    }
  }

  private static final ErrorHandler SILENT = new ErrorHandler() {
    @Override
    public void warning(SAXParseException e) {}

    @Override
    public void error(SAXParseException e) throws SAXException {
      throw e;
    }

    @Override
    public void fatalError(SAXParseException e) throws SAXException {
      throw e;
    }
  };
}
