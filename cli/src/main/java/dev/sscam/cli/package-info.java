/**
 * The {@code sscam} command line (picocli): explain, compare, predict, layers, bench, evaluate and
 * report. Commands only parse options, call the library and print; user errors are {@link
 * dev.sscam.SscamException}s printed as one line with exit code 1.
 */
package dev.sscam.cli;
