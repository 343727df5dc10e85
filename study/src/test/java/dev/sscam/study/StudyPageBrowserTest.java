package dev.sscam.study;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The trial page as a participant meets it in Debian's headless Chromium (issue 17, items 5 and 8): Back
 * after an answer, seeing a map large, the page at 1280 px and at phone width, the hint. Skips, saying
 * why, where Chromium or chromedriver is not installed.
 */
class StudyPageBrowserTest {
  @TempDir Path tmp;
  Path study;
  StudyServer server;
  ChromeDriver browser;
  WebDriverWait wait;

  @BeforeEach
  void start() throws Exception {
    HeadlessChromium.missing().ifPresent(why -> Assumptions.abort("skipped: " + why));
    study = TestStudies.copy(tmp);
    server = StudyServer.start(study, "127.0.0.1", 0);
  }

  private void open(int width, int height) throws Exception {
    browser = HeadlessChromium.start(Files.createDirectory(tmp.resolve("profile")), width, height);
    wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    browser.get(server.participantUrl("127.0.0.1"));
    browser.findElement(By.id("start")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".progress"), "Image 1 of 3"));
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (server != null) {
      server.close();
    }
  }

  private List<Boolean> ticks() {
    return browser.findElements(By.name("choice")).stream().map(WebElement::isSelected).toList();
  }

  private Object js(String script, Object... args) {
    return browser.executeScript(script, args);
  }

  /**
   * Exactly the sequence of the issue: tick A and C, submit, press Back. Chromium used to restore the two
   * ticks onto the page, which by then showed the next trial, so a Submit stored them for it. Now the next
   * trial starts clean, and the answer given there lands on that trial.
   */
  @Test
  void backAfterAnAnswerCarriesNoTicksIntoTheNextTrial() throws Exception {
    open(1280, 900);
    String first = browser.findElement(By.name("trial")).getAttribute("value");
    browser.findElements(By.cssSelector("div.map label")).get(0).click();
    browser.findElements(By.cssSelector("div.map label")).get(2).click();
    assertThat(ticks()).containsExactly(true, false, true);
    browser.findElement(By.id("submit")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".progress"), "Image 2 of 3"));
    String second = browser.findElement(By.name("trial")).getAttribute("value");
    assertThat(second).isNotEqualTo(first);

    browser.navigate().back();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".progress")));
    assertThat(browser.findElement(By.cssSelector(".progress")).getText()).contains("Image 2 of 3");
    assertThat(browser.findElement(By.name("trial")).getAttribute("value")).isEqualTo(second);
    assertThat(ticks()).containsExactly(false, false, false);

    // The participant now answers the second trial with B only: that is what is stored for it.
    browser.findElements(By.cssSelector("div.map label")).get(1).click();
    browser.findElement(By.id("submit")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".progress"), "Image 3 of 3"));
    try (StudyDatabase db = StudyDatabase.open(study)) {
      List<HumanTrust.Answer> answers = HumanTrust.answers(db.answeredMaps());
      assertThat(answers).hasSize(2);
      assertThat(answers.get(0).chosen()).containsExactlyInAnyOrder(0, 2);
      assertThat(answers.get(1).chosen()).containsExactly(1);
    }
  }

  /** Clicking a map shows it large next to the image; it ticks nothing; Esc closes it. */
  @Test
  void aClickOnAMapShowsItLargeWithoutTickingIt() throws Exception {
    open(1280, 900);
    // At 1280 px the maps use the width (they were 145 px).
    List<WebElement> imgs = browser.findElements(By.cssSelector("div.map img"));
    for (WebElement img : imgs) {
      assertThat(img.getRect().getWidth()).as("map width at 1280 px").isGreaterThanOrEqualTo(250);
    }
    imgs.get(1).click();
    WebElement zoomed = browser.findElement(By.id("zoom-map"));
    wait.until(ExpectedConditions.visibilityOf(zoomed));
    assertThat(js("return document.getElementById('zoom').open")).isEqualTo(true);
    assertThat(zoomed.getAttribute("src")).isEqualTo(imgs.get(1).getAttribute("src"));
    assertThat(browser.findElement(By.id("zoom-caption")).getText()).isEqualTo("Map B");
    assertThat(zoomed.getRect().getWidth()).as("zoomed map width").isGreaterThanOrEqualTo(500);
    assertThat(browser.findElement(By.id("zoom-picture")).isDisplayed()).isTrue();
    assertThat(ticks()).containsExactly(false, false, false);
    // digits do not tick behind the zoomed view; Esc closes it
    new Actions(browser).sendKeys("2").perform();
    new Actions(browser).sendKeys(Keys.ESCAPE).perform();
    wait.until(d -> Boolean.FALSE.equals(js("return document.getElementById('zoom').open")));
    assertThat(ticks()).containsExactly(false, false, false);
    assertThat(server.counts().get("answer")).isZero();
  }

  /** The red hint goes as soon as a map is ticked with the mouse (it used to stay). */
  @Test
  void theHintGoesWhenAMapIsTickedByMouse() throws Exception {
    open(1280, 900);
    browser.findElement(By.id("submit")).click();
    assertThat(browser.findElement(By.id("hint")).isDisplayed()).isTrue();
    browser.findElements(By.cssSelector("div.map label")).get(0).click();
    assertThat(browser.findElement(By.id("hint")).isDisplayed()).isFalse();
  }

  /**
   * On a phone (a 390 × 844 window; headless Chromium lays it out at its smallest width, 500 px) Submit is
   * on screen without scrolling, and the image stays on screen while the participant scrolls down to the
   * last map.
   */
  @Test
  void onAPhoneSubmitAndTheImageStayInReach() throws Exception {
    open(390, 844);
    assertThat(inView("submit")).as("Submit in view at the top").isTrue();
    assertThat(inView("not-sure")).as("Not sure in view at the top").isTrue();
    List<WebElement> maps = browser.findElements(By.cssSelector("div.map"));
    js("arguments[0].scrollIntoView({block: 'end'})", maps.get(maps.size() - 1));
    assertThat(((Number) js("return window.scrollY")).doubleValue()).as("the page scrolled").isPositive();
    assertThat(inView("submit")).as("Submit in view at the bottom").isTrue();
    @SuppressWarnings("unchecked")
    Map<String, Object> picture = (Map<String, Object>) js("var r = document.querySelector('.picture img')"
        + ".getBoundingClientRect(); return {top: r.top, bottom: r.bottom, height: r.height}");
    assertThat(((Number) picture.get("height")).doubleValue()).isGreaterThan(100);
    assertThat(((Number) picture.get("top")).doubleValue()).as("image top").isGreaterThanOrEqualTo(0);
    double viewport = ((Number) js("return window.innerHeight")).doubleValue();
    assertThat(((Number) picture.get("bottom")).doubleValue()).as("image bottom").isLessThanOrEqualTo(viewport);
    long overflow = ((Number) js("return document.documentElement.scrollWidth - document.documentElement.clientWidth"))
        .longValue();
    assertThat(overflow).isLessThanOrEqualTo(0);
  }

  /** Whether the element with this id lies wholly inside the viewport and is the topmost thing there. */
  private boolean inView(String id) {
    return Boolean.TRUE.equals(js("var e = document.getElementById(arguments[0]); var r = e.getBoundingClientRect();"
        + " if (r.top < 0 || r.bottom > window.innerHeight || r.height === 0) return false;"
        + " var hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);"
        + " return hit === e || e.contains(hit);", id));
  }
}
