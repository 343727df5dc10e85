package dev.sscam.data;

import dev.sscam.metrics.PixelBox;

/**
 * One annotated object: its class and its box in the image's own pixels (inclusive, 0-based).
 * Serializable, so that a distributed run (module {@code spark}) ships it to where it is evaluated.
 *
 * @param wnid the object's class as written in the XML {@code name} (a WordNet id for ILSVRC)
 * @param classIndex the class's index in the synset mapping (its line number, 0-based), or −1 when
 *     the mapping does not list it
 * @param box the box
 */
public record BoundingBox(String wnid, int classIndex, PixelBox box) implements java.io.Serializable {}
