package dev.sscam.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sscam.SscamException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** spark.jars for a job started directly with --master spark://… (spark-submit ships the jar itself). */
class JobJarTest {
  static final Path JAR = Path.of("/opt/jobs/sscam-spark.jar");

  @Test
  void aClusterMasterShipsTheJobsOwnJar() {
    assertThat(JobJar.sparkJars("spark://127.0.0.1:7077", null, Optional.of(JAR)))
        .contains("/opt/jobs/sscam-spark.jar");
    // jars the user listed are kept, ours added once
    assertThat(JobJar.sparkJars("spark://h:7077", "file:/x/extra.jar", Optional.of(JAR)))
        .contains("file:/x/extra.jar,/opt/jobs/sscam-spark.jar");
    assertThat(JobJar.sparkJars("yarn", "/opt/jobs/sscam-spark.jar", Optional.of(JAR))).isEmpty();
    assertThat(JobJar.sparkJars("yarn", "x.jar, file:/opt/jobs/sscam-spark.jar", Optional.of(JAR))).isEmpty();
  }

  @Test
  void spark_submitAndLocalMastersNeedNothing() {
    assertThat(JobJar.sparkJars(null, null, Optional.of(JAR))).isEmpty();
    assertThat(JobJar.sparkJars("local[2]", null, Optional.of(JAR))).isEmpty();
    assertThat(JobJar.sparkJars("local[2]", null, Optional.empty())).isEmpty();
  }

  @Test
  void aClusterMasterWithoutAJarIsRefusedClearly() {
    assertThatThrownBy(() -> JobJar.sparkJars("spark://h:7077", null, Optional.empty()))
        .isInstanceOf(SscamException.class).hasMessageContaining("sscam-spark.jar");
  }

  @Test
  void theJarHoldingAClassIsFoundAndAFolderIsNot() {
    // picocli comes from its Maven jar; this test class from target/test-classes
    assertThat(JobJar.holding(picocli.CommandLine.class)).get()
        .satisfies(p -> assertThat(p.getFileName().toString()).matches("picocli-[0-9.]+\\.jar"));
    assertThat(JobJar.holding(JobJarTest.class)).isEmpty();
    assertThat(JobJar.holding(String.class)).isEmpty();
  }
}
