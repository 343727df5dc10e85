package dev.sscam.spark;

import dev.sscam.data.BoundingBox;
import dev.sscam.data.DatasetItem;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * One unit of the job's work, shipped to an executor: an image (its dataset item with the files
 * named by URI, as read on the driver) and a method.
 *
 * @param id the image id
 * @param image the image file's URI
 * @param mask the object mask's URI, or null
 * @param label the ground-truth class, −1 when unknown
 * @param width the annotated width, −1 when not read
 * @param height the annotated height, −1 when not read
 * @param boxes the annotated objects
 * @param method the method id
 * @param figure whether the report's figure shows this image (its map is sent back)
 */
record ImagePair(String id, URI image, URI mask, int label, int width, int height, List<BoundingBox> boxes,
    String method, boolean figure) implements Serializable {

  ImagePair {
    boxes = List.copyOf(boxes);
  }

  /** The pair of {@code item} (read under {@code localRoot}, the local copy of {@code root}). */
  static ImagePair of(DatasetItem item, URI root, Path localRoot, String method, boolean figure) {
    return new ImagePair(item.id(), HadoopStorage.resolve(root, localRoot, item.image()),
        item.mask() == null ? null : HadoopStorage.resolve(root, localRoot, item.mask()), item.label(), item.width(),
        item.height(), item.boxes(), method, figure);
  }

  /** The result key, as {@link dev.sscam.evaluation.ImageResult#key()}. */
  String key() {
    return dev.sscam.evaluation.ImageResult.key(id, method);
  }

  /** The dataset item on this machine, fetching the image and mask when they are not local. */
  DatasetItem item(Configuration conf) {
    return new DatasetItem(id, HadoopStorage.local(image, conf), label, width, height, boxes,
        mask == null ? null : HadoopStorage.local(mask, conf));
  }
}
