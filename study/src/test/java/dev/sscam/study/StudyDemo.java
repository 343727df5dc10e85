package dev.sscam.study;

import java.nio.file.Files;
import java.nio.file.Path;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;

/**
 * A hand-driven headless browser for the README's screenshot and a developer's own click-through:
 * {@code StudyDemo URL PROFILE SCREENSHOT.png [KEYS]} opens URL in Chromium with the persistent profile
 * (so the participant cookie survives between calls), types KEYS (digits tick, "\n" submits, "n" not
 * sure) and saves a screenshot of the page it lands on; a new profile presses Start first (not with -Dstay=true). -Dwidth and
 * -Dheight size the window, -Dzoom=N clicks map N first, -Dscroll=true scrolls to the last map. Not a test.
 */
public final class StudyDemo {
  private StudyDemo() {}

  public static void main(String[] args) throws Exception {
    Path profile = Files.createDirectories(Path.of(args[1]));
    ChromeDriver browser = HeadlessChromium.start(profile, Integer.getInteger("width", 1100), Integer.getInteger("height", 900));
    try {
      browser.get(args[0]);
      // a new profile meets the start page first
      if (!Boolean.getBoolean("stay") && !browser.findElements(org.openqa.selenium.By.id("start")).isEmpty()) {
        browser.findElement(org.openqa.selenium.By.id("start")).click();
        Thread.sleep(1500);
      }
      if (args.length > 3) {
        String keys = args[3].replace("\\n", "\n");
        for (char c : keys.toCharArray()) {
          new Actions(browser).sendKeys(c == '\n' ? org.openqa.selenium.Keys.ENTER.toString() : String.valueOf(c)).perform();
        }
        Thread.sleep(1500);
      }
      // -Dzoom=N: click map N (1 = A) to see it large before the screenshot
      if (Integer.getInteger("zoom") != null) {
        browser.findElements(org.openqa.selenium.By.cssSelector("div.map img")).get(Integer.getInteger("zoom") - 1).click();
        Thread.sleep(800);
      }
      // -Dscroll=true: scroll to the last map first (to see what stays in reach on a phone)
      if (Boolean.getBoolean("scroll")) {
        browser.executeScript("var m = document.querySelectorAll('div.map'); m[m.length - 1].scrollIntoView({block: 'end'})");
        Thread.sleep(500);
      }
      Files.write(Path.of(args[2]), browser.getScreenshotAs(OutputType.BYTES));
      System.out.println(browser.findElement(org.openqa.selenium.By.tagName("main")).getText());
    } finally {
      browser.quit();
    }
  }
}
