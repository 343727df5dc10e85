/**
 * Score-weighted methods: a channel's weight is a class score of a perturbed forward pass, of the
 * input masked by the channel (Score-CAM, SS-CAM, IS-CAM) or of the head with the channel ablated
 * (Ablation-CAM).
 */
package dev.sscam.cam.score;
