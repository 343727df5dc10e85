/**
 * The SS-CAM paper's evaluation on a user's data: per-image results ({@link
 * dev.sscam.evaluation.ImageEvaluation}), a crash-safe resumable log ({@link
 * dev.sscam.evaluation.ResultsLog}) and the tables and charts built from it ({@link
 * dev.sscam.evaluation.EvaluationReport}).
 */
package dev.sscam.evaluation;
