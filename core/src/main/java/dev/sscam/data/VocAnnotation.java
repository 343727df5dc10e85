package dev.sscam.data;

import dev.sscam.InputUnreachableException;
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
 * decimal (some VOC tools write {@code 12.0}) is rounded to the nearest integer. Text that is not a
 * number, or a number beyond ±10^9, is refused; so is a box with min after max (inverted). A box
 * partly outside the image (negative coordinates included) is clipped to it by {@link #clippedTo};
 * a box entirely outside is refused there. A missing {@code <size>} is allowed (the image file's
 * own size is used; {@link #width()} and {@link #height()} are then 0).
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

  /**
   * Parses {@code file}; every failure is an {@link SscamException} naming the file, an {@link
   * InputUnreachableException} when the file is missing or cannot be read.
   */
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
      if (InputUnreachableException.isStorageFailure(e)) {
        throw new InputUnreachableException(file.toString(), "cannot read annotation " + file + ": " + e.getMessage(), e);
      }
      // the parser's own IOExceptions (a malformed byte sequence) are the content's fault
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

  /**
   * This annotation with every box clipped to a {@code width×height} image: {@code xmin, xmax} into
   * {@code 0..width−1}, {@code ymin, ymax} into {@code 0..height−1}. A box with no pixel inside
   * the image is an error naming {@code file} (it would otherwise become a line along the border).
   */
  public VocAnnotation clippedTo(int imageWidth, int imageHeight, Path file) {
    List<AnnotatedObject> clipped = new ArrayList<>();
    for (int i = 0; i < objects.size(); i++) {
      PixelBox b = objects.get(i).box();
      if (b.xmax() < 0 || b.ymax() < 0 || b.xmin() >= imageWidth || b.ymin() >= imageHeight) {
        throw new SscamException("annotation " + file + ": object " + (i + 1) + " (x " + b.xmin() + ".." + b.xmax()
            + ", y " + b.ymin() + ".." + b.ymax() + ") lies entirely outside the " + imageWidth + "x" + imageHeight
            + " image");
      }
      PixelBox inside = new PixelBox(Math.max(b.xmin(), 0), Math.max(b.ymin(), 0),
          Math.min(b.xmax(), imageWidth - 1), Math.min(b.ymax(), imageHeight - 1));
      clipped.add(new AnnotatedObject(objects.get(i).name(), inside));
    }
    return new VocAnnotation(width, height, clipped);
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
    double v;
    try {
      v = Double.parseDouble(text);
    } catch (NumberFormatException notANumber) {
      throw new SscamException("annotation " + file + ": " + where + " <" + tag + "> is '" + shorten(text)
          + "', not a number");
    }
    if (!(Math.abs(v) <= MAX_COORDINATE) || text.endsWith("d") || text.endsWith("D") || text.endsWith("f")
        || text.endsWith("F")) {
      throw new SscamException("annotation " + file + ": " + where + " <" + tag + "> is '" + shorten(text)
          + "', not a pixel coordinate");
    }
    return (int) Math.round(v);
  }

  /** Coordinates beyond this (in absolute value) are refused: no image is a billion pixels wide. */
  private static final double MAX_COORDINATE = 1e9;

  private static String shorten(String text) {
    String one = text.replaceAll("\\s+", " ");
    return one.length() <= 40 ? one : one.substring(0, 40) + "…";
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
