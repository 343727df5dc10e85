/**
 * Projection methods: the map is the projection of the activations (Eigen-CAM) or of {@code g ⊙ A}
 * (Eigen-Grad-CAM) on their first principal direction, oriented by sscam's sign rule ({@link
 * dev.sscam.cam.PrincipalProjection}).
 */
package dev.sscam.cam.projection;
