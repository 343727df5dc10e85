package dev.sscam.study;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium and chromedriver ({@code apt-get install chromium chromium-driver}), headless, with a
 * given profile folder (and download folder). Nothing is downloaded from the network: Selenium is
 * pointed at the installed binaries. Shared with the cli module's browser test through this module's
 * test jar.
 */
public final class HeadlessChromium {
  static final Path BROWSER = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");

  // Selenium warns when it has no DevTools binding for this Chromium's version; we use none. Held in a
  // field: java.util.logging keeps loggers weakly, and a collected logger forgets its level.
  private static final java.util.logging.Logger CDP = java.util.logging.Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

  static {
    CDP.setLevel(java.util.logging.Level.SEVERE);
  }

  private HeadlessChromium() {}

  /** Why no browser can be had here, or empty when both binaries are installed. */
  public static Optional<String> missing() {
    if (!Files.isExecutable(BROWSER)) {
      return Optional.of(BROWSER + " is absent (install Debian's chromium and chromium-driver to run the browser test)");
    }
    if (!Files.isExecutable(DRIVER)) {
      return Optional.of(DRIVER + " is absent (install Debian's chromium-driver to run the browser test)");
    }
    return Optional.empty();
  }

  /** A headless Chromium with its own profile in {@code profile}, {@code width}×{@code height} px. */
  public static ChromeDriver start(Path profile, int width, int height) {
    return start(profile, null, width, height);
  }

  /** As {@link #start(Path, int, int)}, saving downloads into {@code downloads} (none when null). */
  public static ChromeDriver start(Path profile, Path downloads, int width, int height) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
        "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=" + width + "," + height);
    if (downloads != null) {
      options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toAbsolutePath().toString(),
          "download.prompt_for_download", false, "download.directory_upgrade", true));
    }
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER.toString()))
        .usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }
}
