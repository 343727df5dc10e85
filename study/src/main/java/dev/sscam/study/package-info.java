/**
 * The human-trust study (PAPER.md, "Human trust"): {@link dev.sscam.study.StudyCreation} computes every
 * method's map per image into a study folder with a SQLite database ({@link dev.sscam.study.StudyDatabase}),
 * {@link dev.sscam.study.StudyServer} serves it blind to participants, and {@link dev.sscam.study.StudyReport}
 * turns the votes into Table IV with bootstrap intervals, a test of uniformity, position bias and Fleiss' kappa.
 */
package dev.sscam.study;
