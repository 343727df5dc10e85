/** File formats for numbers: {@link dev.sscam.io.Npy} reads and writes NumPy {@code .npy} arrays. */
package dev.sscam.io;
