/**
 * Evaluation datasets: which images, which labels, which boxes.
 *
 * <ul>
 *   <li>{@link dev.sscam.data.IlsvrcValidation}: the ILSVRC 2012 validation layout (images,
 *       PASCAL VOC XML boxes, a ground-truth file, {@code LOC_synset_mapping.txt}, optional
 *       masks); {@code ../shared/benchmark/fashion-scenes} is one.
 *   <li>{@link dev.sscam.data.ImageFolder}: a plain folder of images, no labels, no boxes.
 * </ul>
 *
 * Both are {@link dev.sscam.data.Dataset}s of {@link dev.sscam.data.DatasetItem}s, in image-name
 * order, with a seeded {@link dev.sscam.data.Dataset#randomSubset random subset}. Boxes are kept
 * in the image's own pixels ({@link dev.sscam.metrics.PixelBox}); the pointing game scales them
 * to the model input ({@link dev.sscam.metrics.Region#ofBoxes}). XML is parsed with DTDs and
 * external entities refused ({@link dev.sscam.data.VocAnnotation}).
 */
package dev.sscam.data;
