/**
 * The SS-CAM paper's evaluation metrics, free of any model runtime.
 *
 * <p>Everything here is plain arithmetic over scores and explanation maps. Where a metric needs
 * fresh model scores (deletion and insertion), it takes a small functional interface,
 * {@link dev.sscam.metrics.ClassProbability}, so the evaluation plugs in whatever model it runs.
 * Maps are row-major {@code float[H*W]} arrays: index {@code y*W + x}, rows are y, columns are x.
 * Inputs are {@code float[C*H*W]} in channel-major (CHW) order, already preprocessed.
 *
 * <ul>
 *   <li>{@link dev.sscam.metrics.AverageDrop}, {@link dev.sscam.metrics.IncreaseInConfidence},
 *       {@link dev.sscam.metrics.WinRate}: from the scores {@code Y_i} (original image) and
 *       {@code O_i} (image masked by its explanation map).
 *   <li>{@link dev.sscam.metrics.DeletionInsertion}: the RISE causal curves and their AUC.
 *   <li>{@link dev.sscam.metrics.EnergyPointingGame}: the share of the map's energy inside the
 *       target's boxes or mask ({@link dev.sscam.metrics.Region}).
 *   <li>{@link dev.sscam.metrics.Bootstrap}, {@link dev.sscam.metrics.PairedTest},
 *       {@link dev.sscam.metrics.MetricSummary}: how sure a figure is.
 * </ul>
 */
package dev.sscam.metrics;
