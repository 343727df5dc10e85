/**
 * Pictures out, independent of any model code: {@link dev.sscam.render.Colormap} (matplotlib's
 * jet), {@link dev.sscam.render.Overlay} (a saliency map blended over its picture, with title and
 * colour bar), {@link dev.sscam.render.FigureGrid} (the paper's comparison figure) and {@link
 * dev.sscam.render.PngWriter} (atomic PNG files).
 */
package dev.sscam.render;
