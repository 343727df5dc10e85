/**
 * The class activation map methods (PAPER.md, Methods). Each method is one short class that computes
 * the channel weights {@code α_k} ({@link dev.sscam.cam.CamMethod#weights}): {@link
 * dev.sscam.cam.Cam}, {@link dev.sscam.cam.GradCam}, {@link dev.sscam.cam.GradCamPlusPlus}, {@link
 * dev.sscam.cam.SmoothGradCamPlusPlus}, {@link dev.sscam.cam.ScoreCam} and {@link
 * dev.sscam.cam.SsCam}. What they share lives once: {@link dev.sscam.cam.Explainer} forms {@code L =
 * ReLU(Σ_k α_k A_k)}, upsamples ({@link dev.sscam.cam.BilinearUpsample}) and normalises ({@link
 * dev.sscam.cam.MinMax}) into a {@link dev.sscam.cam.SaliencyMap}; {@link
 * dev.sscam.cam.MaskedScoring} streams masked inputs through the model in bounded memory. Where the
 * paper's equations, its authors' code and torchcam disagree, the choice is a {@link
 * dev.sscam.cam.Reading} option, and a {@link dev.sscam.cam.Preset} names each reading ({@code
 * authors}, the default; {@code equations}; {@code torchcam}).
 */
package dev.sscam.cam;
