package dev.sscam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sscam.io.Npy;
import dev.sscam.serve.ExplainServer;
import dev.sscam.serve.ServeConfig;
import dev.sscam.serve.ServedModels;
import dev.sscam.study.HeadlessChromium;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The explorer in a real browser (Debian's headless Chromium through chromedriver): upload an image, see
 * its top-5, choose a method and a layer, see the map, download its NPY, and check that file against
 * {@code sscam explain --npy}'s for the same options, bit for bit. Then a long map shows its progress and
 * is cancelled, and several methods side by side are photographed for the README ({@code
 * target/explorer.png}). Skips, saying why, where Chromium or chromedriver is not installed.
 */
class ExplorerBrowserTest {
  @TempDir Path tmp;

  @BeforeAll
  static void home() {
    CliTest.home();
  }

  @Test
  void uploadChooseMethodAndLayerSeeTheMapAndDownloadTheCliSameNpy() throws Exception {
    HeadlessChromium.missing().ifPresent(why -> Assumptions.abort("skipped: " + why));
    Path image = BundledExample.image();
    String method = "layer-cam";
    String layer = "features.10";
    Path downloads = Files.createDirectory(tmp.resolve("downloads"));
    try (ExplainServer server = ExplainServer.start(ServedModels.open(List.of(BundledExample.model()), 0),
        ServeConfig.loopback().withExamples(List.of(image)))) {
      ChromeDriver browser = HeadlessChromium.start(Files.createDirectory(tmp.resolve("profile")), downloads, 1400, 1000);
      try {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(120));
        browser.get(server.url("127.0.0.1"));
        wait.until(d -> new Select(d.findElement(By.id("layer"))).getOptions().size() > 1);
        // the default layer is marked and chosen
        assertThat(new Select(browser.findElement(By.id("layer"))).getFirstSelectedOption().getText())
            .startsWith("★ features.12").contains("512×13×13").contains("(default)");

        // upload: the top-5 appears
        browser.findElement(By.id("file")).sendKeys(image.toAbsolutePath().toString());
        wait.until(d -> d.findElements(By.cssSelector("#top5 li[data-class]")).size() == 5);

        // one method (LayerCAM instead of the default Grad-CAM) at a non-default layer
        for (WebElement box : browser.findElements(By.name("method"))) {
          if (box.isSelected() != box.getAttribute("value").equals(method)) {
            box.click();
          }
        }
        new Select(browser.findElement(By.id("layer"))).selectByValue(layer);
        browser.findElement(By.id("explain")).click();
        WebElement map = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".map.done")));
        wait.until(d -> (Boolean) browser.executeScript(
            "const h = document.querySelector('.map.done img.heat'); return !!h && h.complete && h.naturalWidth > 0"));
        assertThat(map.findElement(By.tagName("h3")).getText()).contains("LayerCAM").contains(layer);
        assertThat(map.findElement(By.className("facts")).getText()).contains("passes").contains(" s");
        // the opacity slider reaches the map
        browser.executeScript("const o = document.getElementById('opacity'); o.value = 80;"
            + " o.dispatchEvent(new Event('input'));");
        assertThat(map.findElement(By.cssSelector("img.heat")).getCssValue("opacity")).isEqualTo("0.8");

        // download the NPY and compare it with sscam explain's, bit for bit
        map.findElement(By.xpath(".//a[text()='NPY']")).click();
        Path npy = downloads.resolve("map-0." + method + ".npy");
        wait.until(d -> Files.exists(npy) && sizeSettled(npy));
        Path cliOut = tmp.resolve("cli");
        CliTest.Run cli = CliTest.sscam("explain", image.toString(), "--method", method, "--layer", layer, "--npy",
            "-q", "-o", cliOut.toString());
        assertThat(cli.code()).as(cli.err()).isZero();
        Path expected = cliOut.resolve(ImageInputs.stem(image) + "." + method + ".npy");
        assertThat(Npy.read(npy).data()).containsExactly(Npy.read(expected).data());
        assertThat(Files.readAllBytes(npy)).isEqualTo(Files.readAllBytes(expected));

        // a long map shows its passes and an ETA, and is cancelled
        for (WebElement box : browser.findElements(By.name("method"))) {
          if (box.isSelected() != box.getAttribute("value").equals("ss-cam-2")) {
            box.click();
          }
        }
        new Select(browser.findElement(By.id("layer"))).selectByValue("features.12");
        browser.findElement(By.id("explain")).click();
        wait.until(ExpectedConditions.textMatches(By.cssSelector(".map .facts"), java.util.regex.Pattern.compile("\\d+ / 17920 passes")));
        browser.findElement(By.id("cancel")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "cancelled"));

        // several methods side by side, for the README's picture
        for (WebElement box : browser.findElements(By.name("method"))) {
          String id = box.getAttribute("value");
          boolean wanted = List.of("grad-cam", "grad-cam++", "layer-cam", "xgrad-cam", "eigen-cam", "ablation-cam").contains(id);
          if (box.isSelected() != wanted) {
            box.click();
          }
        }
        browser.executeScript("const o = document.getElementById('opacity'); o.value = 50; o.dispatchEvent(new Event('input'));");
        browser.findElement(By.id("explain")).click();
        wait.until(d -> d.findElements(By.cssSelector(".map.done")).size() == 6);
        wait.until(d -> (Boolean) browser.executeScript(
            "return Array.from(document.querySelectorAll('.map.done img')).every(i => i.complete && i.naturalWidth > 0)"));
        Path shot = Path.of("target", "explorer.png");
        Files.write(shot, browser.getScreenshotAs(OutputType.BYTES));
      } finally {
        browser.quit();
      }
    }
  }

  /** Whether the download is whole (Chromium writes a .crdownload first, then renames it). */
  private static boolean sizeSettled(Path p) {
    try {
      return Files.size(p) > 128;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
