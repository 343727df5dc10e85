package dev.sscam.study;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real browser (Debian's headless Chromium through chromedriver) takes the small study end to end:
 * mouse and keyboard answers, a reload mid-way, the end page; then the database and the report are checked.
 * Skips, saying why, where Chromium or chromedriver is not installed.
 */
class StudyBrowserTest {
  @TempDir Path tmp;

  @Test
  void aParticipantTakesTheStudyInChromium() throws Exception {
    HeadlessChromium.missing().ifPresent(why -> Assumptions.abort("skipped: " + why));
    Path study = TestStudies.copy(tmp);
    try (StudyServer server = StudyServer.start(study, "127.0.0.1", 0)) {
      String url = server.participantUrl("127.0.0.1");
      ChromeDriver browser = HeadlessChromium.start(Files.createDirectory(tmp.resolve("profile")), 1200, 1000);
      try {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        browser.get(url);
        // the start page first: nothing is stored until the participant presses Start
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("You will see 3 images");
        browser.findElement(By.id("start")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".progress"), "Image 1 of 3"));
        List<WebElement> maps = browser.findElements(By.cssSelector("div.map"));
        assertThat(maps).hasSize(TestStudies.METHODS.size());
        assertThat(maps.stream().map(WebElement::getText).toList())
            .allSatisfy(t -> assertThat(t).matches("(?s)[ABC].*"));
        // every picture loaded (naturalWidth > 0): the opaque image URLs work in a browser (the zoomed
        // view's image has no source until a map is clicked)
        Object broken = browser.executeScript(
            "return Array.from(document.images).filter(i => i.getAttribute('src') && (!i.complete || i.naturalWidth === 0)).length");
        assertThat(((Number) broken).intValue()).isZero();

        // Trial 1 by mouse: Submit with nothing ticked only shows the hint; then tick B and submit.
        String trial1 = browser.findElement(By.name("trial")).getAttribute("value");
        browser.findElement(By.id("submit")).click();
        assertThat(browser.findElement(By.id("hint")).isDisplayed()).isTrue();
        assertThat(browser.findElement(By.name("trial")).getAttribute("value")).isEqualTo(trial1);
        maps.get(1).findElement(By.tagName("label")).click();
        browser.findElement(By.id("submit")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".progress"), "Image 2 of 3"));

        // Trial 2 by keyboard: 1, 3, 2, 2 (B toggled on and off again) then Enter → A and C.
        String trial2 = browser.findElement(By.name("trial")).getAttribute("value");
        new Actions(browser).sendKeys("1322").perform();
        List<Boolean> ticked = browser.findElements(By.name("choice")).stream().map(WebElement::isSelected).toList();
        assertThat(ticked).containsExactly(true, false, true);
        // Reload mid-way: the page comes back on the same unanswered trial (ticks are not an answer).
        browser.navigate().refresh();
        assertThat(browser.findElement(By.cssSelector(".progress")).getText()).contains("Image 2 of 3");
        assertThat(browser.findElement(By.name("trial")).getAttribute("value")).isEqualTo(trial2);
        new Actions(browser).sendKeys("13").perform();
        new Actions(browser).sendKeys(org.openqa.selenium.Keys.ENTER).perform();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".progress"), "Image 3 of 3"));

        // Trial 3 at phone width: nothing overflows sideways; N says "not sure".
        browser.manage().window().setSize(new Dimension(390, 844));
        long overflow = ((Number) ((JavascriptExecutor) browser).executeScript(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth")).longValue();
        assertThat(overflow).isLessThanOrEqualTo(0);
        new Actions(browser).sendKeys("n").perform();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("done")));
        assertThat(browser.findElement(By.cssSelector(".progress")).getText()).contains("3 of 3 answered");
        // Back and resubmit: the stored answer stays the only one.
        browser.navigate().back();
        browser.navigate().refresh();
        assertThat(browser.findElements(By.id("done"))).hasSize(1);
      } finally {
        browser.quit();
      }
    }

    try (StudyDatabase db = StudyDatabase.open(study)) {
      assertThat(db.count("participant")).isEqualTo(1);
      assertThat(db.count("answer")).isEqualTo(3);
      List<StudyDatabase.ShownMap> rows = db.answeredMaps();
      List<HumanTrust.Answer> answers = HumanTrust.answers(rows);
      assertThat(answers).hasSize(3);
      // in the participant's order: B; then A and C; then not sure
      assertThat(answers.get(0).chosen()).containsExactly(1);
      assertThat(answers.get(1).chosen()).containsExactlyInAnyOrder(0, 2);
      assertThat(answers.get(2).notSure()).isTrue();
      assertThat(answers.get(2).chosen()).isEmpty();
      Set<String> methodsSeen = rows.stream().map(StudyDatabase.ShownMap::method).collect(Collectors.toSet());
      assertThat(methodsSeen).containsExactlyInAnyOrderElementsOf(TestStudies.METHODS);

      StudyReport report = StudyReport.of(db);
      // shares: B's method 1, A's and C's methods ½ each, not sure 1 → of 3 answers
      String bMethod = answers.get(0).shown().get(1);
      String aMethod = answers.get(1).shown().get(0);
      String cMethod = answers.get(1).shown().get(2);
      double[] expected = new double[TestStudies.METHODS.size()];
      expected[TestStudies.METHODS.indexOf(bMethod)] += 1;
      expected[TestStudies.METHODS.indexOf(aMethod)] += 0.5;
      expected[TestStudies.METHODS.indexOf(cMethod)] += 0.5;
      for (int m = 0; m < expected.length; m++) {
        assertThat(report.table().shares().get(TestStudies.METHODS.get(m)).mean())
            .isCloseTo(100 * expected[m] / 3, org.assertj.core.api.Assertions.within(1e-9));
      }
      assertThat(report.table().shares().get(HumanTrust.NOT_SURE).mean())
          .isCloseTo(100.0 / 3, org.assertj.core.api.Assertions.within(1e-9));
      List<Path> written = report.write(tmp);
      assertThat(written).extracting(p -> p.getFileName().toString()).containsExactly("report.md", "report.csv", "report.html");
      String md = Files.readString(tmp.resolve("report.md"));
      assertThat(md).contains("Table IV").contains("participants who answered: 1").contains("answers: 3 (1 \"not sure\")")
          .contains("not defined yet: it needs a trial answered by two or more participants");
    }
  }
}
