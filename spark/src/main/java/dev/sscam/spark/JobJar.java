package dev.sscam.spark;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Arrays;
import java.util.Optional;

/**
 * The jar this job runs from, and the {@code spark.jars} a job started directly (not by
 * spark-submit) must set so that a cluster's executors can load its classes: spark-submit ships
 * the application jar by itself, {@code java -cp sscam-spark.jar … --master spark://…} does not, and
 * the first task then fails with {@code ClassNotFoundException: dev.sscam.spark.ImagePair}.
 */
final class JobJar {
  private JobJar() {}

  /** The jar file {@code type} was loaded from; empty when it came from a classes folder. */
  static Optional<Path> holding(Class<?> type) {
    CodeSource source = type.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return Optional.empty();
    }
    try {
      Path path = Path.of(source.getLocation().toURI());
      return Files.isRegularFile(path) ? Optional.of(path.toAbsolutePath()) : Optional.empty();
    } catch (URISyntaxException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * The {@code spark.jars} value to set, or empty to leave it as it is.
   *
   * @param master the {@code --master} given to the job, or null when spark-submit started it (it
   *     has set {@code spark.jars} itself)
   * @param configured {@code spark.jars} as already configured (a system property), or null
   * @param jar the job's own jar, empty when its classes are in a folder
   * @throws dev.sscam.SscamException when a cluster master is given and the classes are not in a jar
   *     (the executors could not get them)
   */
  static Optional<String> sparkJars(String master, String configured, Optional<Path> jar) {
    if (master == null || master.startsWith("local")) {
      return Optional.empty(); // spark-submit ships it; local executors share the driver's classpath
    }
    if (jar.isEmpty()) {
      throw new dev.sscam.SscamException("--master " + master + " needs the job's classes in a jar that the executors"
          + " can fetch: run it from sscam-spark.jar (mvn -pl spark -am package builds it) or through spark-submit");
    }
    String own = jar.get().toString(); // a plain path: Spark reads it as a file on the driver

    if (configured == null || configured.isBlank()) {
      return Optional.of(own);
    }
    boolean listed = Arrays.stream(configured.split(",")).map(String::trim)
        .anyMatch(j -> j.equals(own) || j.equals(jar.get().toUri().toString()) || j.equals("file:" + own));
    return listed ? Optional.empty() : Optional.of(configured + "," + own);
  }
}
