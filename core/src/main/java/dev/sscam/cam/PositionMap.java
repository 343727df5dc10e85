package dev.sscam.cam;

/**
 * The map a {@link PositionalMethod} computed for one image: {@code L} before its ReLU, at feature
 * resolution, which the {@link Explainer} then treats exactly as it treats a channel method's
 * {@code Σ_k α_k A_k}.
 *
 * @param values {@code L}, {@code h×w} row-major, before the ReLU
 * @param weights one number per channel, reported as {@link SaliencyMap#weights()} (each method's
 *     Javadoc says which: they summarise the map, they do not make it)
 * @param forwardPasses model forward passes spent on it (the activations' run not included)
 * @param terms the per-channel terms whose sum over channels is {@code values} ({@code K×h×w},
 *     channels first; what {@code --eigen-smooth} decomposes), or null when the map is no such sum
 *     (Eigen-CAM's projection)
 */
public record PositionMap(float[] values, float[] weights, long forwardPasses, float[] terms) {}
