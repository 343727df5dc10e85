/**
 * The class activation map methods (PAPER.md, Methods) and what they share. Each method is one short
 * class in the sub-package of its family, computing either the channel weights {@code α_k} ({@link
 * dev.sscam.cam.CamMethod#weights}) or, for a {@link dev.sscam.cam.PositionalMethod}, the map {@code
 * L} itself:
 *
 * <ul>
 *   <li>{@link dev.sscam.cam.gradient}: weights from the head's gradient (or, for CAM, its linear
 *       layer): Grad-CAM, Grad-CAM++, Smooth Grad-CAM++, XGrad-CAM, LayerCAM, HiResCAM, Grad-CAM
 *       element-wise, CAM;
 *   <li>{@link dev.sscam.cam.score}: weights from class scores of perturbed inputs or activations:
 *       Score-CAM, SS-CAM (1) and (2), IS-CAM, Ablation-CAM;
 *   <li>{@link dev.sscam.cam.projection}: the principal projection of the activations: Eigen-CAM,
 *       Eigen-Grad-CAM.
 * </ul>
 *
 * <p>What they share lives here, once: {@link dev.sscam.cam.Methods} names every method; {@link
 * dev.sscam.cam.CamContext} holds one image's activations, gradients and masks; {@link
 * dev.sscam.cam.Explainer} forms {@code L = ReLU(Σ_k α_k A_k)} (or takes a positional method's
 * {@code L}), upsamples ({@link dev.sscam.cam.BilinearUpsample}) and normalises ({@link
 * dev.sscam.cam.MinMax}) into a {@link dev.sscam.cam.SaliencyMap}, fuses layers ({@link
 * dev.sscam.cam.LayerFusion}) and smooths ({@link dev.sscam.cam.AugmentationSmoothing}, {@link
 * dev.sscam.cam.EigenSmoothing}); {@link dev.sscam.cam.MaskedScoring} and {@link
 * dev.sscam.cam.ScoreDraws} stream masked inputs through the model in bounded memory; {@link
 * dev.sscam.cam.PrincipalProjection} is the eigen methods' projection with its sign rule. Where the
 * paper's equations, its authors' code and torchcam disagree, the choice is a {@link
 * dev.sscam.cam.Reading} option, and a {@link dev.sscam.cam.Preset} names each reading ({@code
 * authors}, the default; {@code equations}; {@code torchcam}).
 */
package dev.sscam.cam;
