package dev.sscam.spark;

import dev.sscam.cam.FastMode;
import dev.sscam.cam.Preset;
import dev.sscam.cam.Reading;
import dev.sscam.evaluation.Evaluation;
import java.io.Serializable;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The part of the evaluation's settings that executors need, shipped with every task.
 *
 * @param model the model's URI (its card {@code NAME.json} is looked for beside it)
 * @param modelSha256 the model's SHA-256 as the driver read it (a different file is refused)
 * @param batchSize images per forward pass
 * @param seed noise seed
 * @param samples SS-CAM N
 * @param sigma SS-CAM σ
 * @param step deletion/insertion pixels per step
 * @param preset CAM options preset ({@link Preset#id()})
 * @param reading the reading in force ({@link Reading#asMap()}: the preset's, with overrides)
 * @param fastTolerance fast mode's tolerance, or null for exact maps
 * @param failFirstAttempt test-only fault hook: the pairs (result keys) whose first task attempt
 *     computes its result and then fails, as a task lost after doing its work; empty in real runs
 */
record JobSettings(URI model, String modelSha256, int batchSize, long seed, int samples, double sigma, int step,
    String preset, Map<String, String> reading, Double fastTolerance, Set<String> failFirstAttempt)
    implements Serializable {

  JobSettings {
    reading = Map.copyOf(reading);
    failFirstAttempt = Set.copyOf(failFirstAttempt);
  }

  /** Core's settings for the per-image evaluator (folders are the driver's business). */
  Evaluation.Settings evaluation() {
    Preset p = Preset.parse(preset);
    return new Evaluation.Settings(null, List.of(), 1, seed, samples, sigma, step, null, p, p.reading().with(reading),
        fastTolerance == null ? null : new FastMode(fastTolerance));
  }
}
