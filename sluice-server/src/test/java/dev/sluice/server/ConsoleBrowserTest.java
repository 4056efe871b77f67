package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.TestHttp.Answer;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}) driven by Selenium, against a real server: log in, list and edit a
 * rule, a validation error shown at its field, a save, a conflict with another writer, the live
 * chart moving under load, and a rule id and a client id containing markup shown as text and
 * never run. Each screen is saved as a PNG: into {@code docs/img} when the system property or
 * environment variable {@code SLUICE_CONSOLE_SCREENSHOTS} names that folder, else under
 * {@code target/console-screenshots}.
 *
 * <p>Without {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver} every test here is
 * skipped, and one line says so.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
  static final String TOKEN = "console-admin-token-0123456789";
  static final String[] AUTH = {"Authorization", "Bearer " + TOKEN};
  static final File CHROMIUM = new File("/usr/bin/chromium");
  static final File DRIVER = new File("/usr/bin/chromedriver");
  static final String XSS = "<img src=x onerror=\"window.__xss=1\"><script>window.__xss=2</script>";

  @TempDir
  static Path dir;
  static TestServer s;
  static WebDriver driver;
  static WebDriverWait wait;
  static Path shots;
  /** Held: java.util.logging forgets the level of a logger nobody references. */
  static final Logger SELENIUM_LOG = Logger.getLogger("org.openqa.selenium");

  @BeforeAll
  static void start() throws IOException {
    boolean present = CHROMIUM.canExecute() && DRIVER.canExecute();
    if (!present) {
      System.out.println("ConsoleBrowserTest: NOT RUN: the console's browser tests need "
          + CHROMIUM + " and " + DRIVER + " (Debian packages chromium, chromium-driver)");
    }
    Assumptions.assumeTrue(present, "needs " + CHROMIUM + " and " + DRIVER
        + " (Debian packages chromium, chromium-driver)");
    // Selenium warns that it has no CDP bindings for this Chromium: the tests use WebDriver
    // only, never CDP.
    SELENIUM_LOG.setLevel(Level.SEVERE);
    String out = System.getProperty("SLUICE_CONSOLE_SCREENSHOTS",
        System.getenv("SLUICE_CONSOLE_SCREENSHOTS"));
    shots = out != null ? Path.of(out) : Path.of("target", "console-screenshots");
    Files.createDirectories(shots);
    s = TestServer.start(dir, "admin: {token: " + TOKEN + "}\nrules: {reload-interval: 50ms}\n",
        """
        rules:
          - id: api_default
            match: {path: "/api/**", method: [GET, POST]}
            limits:
              - {window: 1s, max: 20, algorithm: token-bucket, burst: 40}
              - {window: 1m, max: 600}
          - id: login
            match: {path: "/login", method: POST}
            limits: [{window: 1m, max: 5, algorithm: sliding-window-log}]
          - id: live
            limits: [{window: 1s, max: 10}]
          - id: dry_run
            shadow: true
            limits: [{window: 1s, max: 5}]
        """);
    ChromeOptions o = new ChromeOptions();
    o.setBinary(CHROMIUM);
    o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-dev-shm-usage", "--window-size=1280,1000",
        "--user-data-dir=" + Files.createTempDirectory(dir, "chromium-profile"));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(DRIVER).usingAnyFreePort().build();
    driver = new ChromeDriver(service, o);
    wait = new WebDriverWait(driver, Duration.ofSeconds(20));
  }

  @AfterAll
  static void stop() {
    if (driver != null) {
      driver.quit();
    }
    if (s != null) {
      s.close();
    }
  }

  @Test
  @Order(1)
  void login_refusesAWrongToken_thenListsTheRules() {
    driver.get(s.base + "/console");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
    screenshot("login");
    type(By.id("token"), "not-the-token");
    driver.findElement(By.id("login-button")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("login-error"),
        "not the admin token"));
    type(By.id("token"), TOKEN);
    driver.findElement(By.id("login-button")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("rules-list")));
    wait.until(d -> d.findElements(By.cssSelector("#rules-list tr")).size() == 4);
    assertThat(driver.findElements(By.cssSelector("#rules-list td.rule-id")))
        .extracting(WebElement::getText).containsExactly("api_default", "login", "live", "dry_run");
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("ready"), "ready"));
    assertThat(text("ready")).isEqualTo("readiness: ready");
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("breaker"), "closed"));
    screenshot("rules");
  }

  @Test
  @Order(2)
  void edit_showsValidationErrorsAtTheirFields_thenSaves() {
    openEditor("api_default");
    WebElement max = limitField(0, "max");
    max.clear();
    max.sendKeys("-5");
    WebElement window = limitField(1, "window");
    window.clear();
    window.sendKeys("10 parsecs");
    driver.findElement(By.id("save")).click();
    WebElement maxError = driver.findElement(
        By.cssSelector("[data-error-for='/limits/0/max']"));
    wait.until(ExpectedConditions.textToBePresentInElement(maxError, "must be an integer"));
    assertThat(maxError.getText()).contains("'-5'");
    assertThat(driver.findElement(By.cssSelector("[data-error-for='/limits/1/window']"))
        .getText()).contains("'10 parsecs' is not a duration");
    assertThat(max.getDomAttribute("class")).contains("invalid");
    assertThat(driver.findElement(By.cssSelector("[data-error-for='/priority']")).getText())
        .isEmpty();
    screenshot("validation");

    max.clear();
    max.sendKeys("25");
    window.clear();
    window.sendKeys("1m");
    driver.findElement(By.id("save")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("saved")));
    assertThat(text("saved")).startsWith("Saved: version \"");
    assertThat(maxError.getText()).isEmpty();
    assertThat(s.get("/rate-limits/rules/api_default", AUTH).json().get("limits").get(0)
        .get("max").asLong()).isEqualTo(25);
    screenshot("saved");
  }

  @Test
  @Order(3)
  void save_showsAConflict_whenSomeoneElseSavedFirst() {
    openEditor("login");
    // Another writer saves through the API after the console read the rule.
    Answer current = s.get("/rate-limits/rules/login", AUTH);
    Answer other = s.put("/rate-limits/rules/login", """
        {"priority": 7, "match": {"path": "/login", "method": "POST"},
         "limits": [{"window": "1m", "max": 3, "algorithm": "sliding-window-log"}]}""",
        "Authorization", AUTH[1], "If-Match", current.header("ETag"));
    assertThat(other.status()).as(other.text()).isEqualTo(200);
    WebElement max = limitField(0, "max");
    max.clear();
    max.sendKeys("50");
    driver.findElement(By.id("save")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("conflict")));
    assertThat(text("conflict-text")).contains("Someone else saved the rules first")
        .contains(other.header("ETag"));
    screenshot("conflict");
    // Nothing of the console's edit reached the store.
    assertThat(s.get("/rate-limits/rules/login", AUTH).json().get("limits").get(0).get("max")
        .asLong()).isEqualTo(3);
    driver.findElement(By.id("conflict-reload")).click();
    wait.until(ExpectedConditions.attributeToBe(By.id("f-priority"), "value", "7"));
    assertThat(limitField(0, "max").getDomProperty("value")).isEqualTo("3");
    assertThat(driver.findElement(By.id("conflict")).isDisplayed()).isFalse();
  }

  @Test
  @Order(4)
  void markupInARuleId_isShownAsText_andNeverRuns() {
    driver.findElement(By.id("nav-rules")).click();
    driver.findElement(By.id("new-rule")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("f-id")));
    type(By.id("f-id"), XSS);
    driver.findElement(By.id("save")).click();
    WebElement idError = driver.findElement(By.cssSelector("[data-error-for='/id']"));
    wait.until(ExpectedConditions.textToBePresentInElement(idError, "must be 1 to 100"));
    // The service abbreviates long values in its messages; the markup is there as text.
    assertThat(idError.getText()).startsWith("'" + XSS.substring(0, 50));
    assertNothingInjected();
    screenshot("markup-rule-id");
    driver.findElement(By.id("cancel")).click();
  }

  @Test
  @Order(5)
  void liveChart_movesUnderLoad_andTopOffendersShowMarkupAsText() throws InterruptedException {
    driver.findElement(By.id("nav-rules")).click();
    clickInRow("live", "button.to-traffic");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("chart")));
    wait.until(d -> new Select(d.findElement(By.id("traffic-rule"))).getFirstSelectedOption()
        .getText().equals("live"));
    WebElement chart = driver.findElement(By.id("chart"));
    wait.until(d -> chart.getDomAttribute("data-sum") != null);
    long before = Long.parseLong(chart.getDomAttribute("data-sum"));

    AtomicBoolean run = new AtomicBoolean(true);
    AtomicInteger sent = new AtomicInteger();
    Thread load = Thread.ofPlatform().daemon().start(() -> {
      int i = 0;
      while (run.get()) {
        // One heavy client denied most of the time, a few light ones, one with markup.
        String client = i % 3 == 0 ? "heavy-hitter" : i % 3 == 1 ? XSS : "light-" + (i % 7);
        s.check("{\"rule_id\":\"live\",\"client_id\":" + json(client) + "}");
        sent.incrementAndGet();
        i++;
        sleepQuietly(i % 2 == 0 ? 5 : 10);
      }
    });
    try {
      wait.withTimeout(Duration.ofSeconds(30)).until(d ->
          Long.parseLong(chart.getDomAttribute("data-sum")) > before + 50
              && Double.parseDouble(text("rate-allowed")) > 0
              && Double.parseDouble(text("rate-denied")) > 0);
    } finally {
      Thread.sleep(4000); // a few more ticks of the chart under load, for the screenshot
      screenshot("traffic");
      run.set(false);
      load.join();
    }
    assertThat(sent.get()).isPositive();
    assertThat(clients("#denied-most td.client")).contains("heavy-hitter");
    assertThat(clients("#requested-most td.client")).contains("heavy-hitter", XSS);
    assertThat(Long.parseLong(text("unique"))).isGreaterThanOrEqualTo(3);
    assertNothingInjected();
  }

  // ---- helpers ------------------------------------------------------------------------------

  /**
   * The texts of the cells {@code css} selects, read again if the table is re-rendered while
   * they are read (the console redraws its tables on every tick).
   */
  private static List<String> clients(String css) {
    return wait.ignoring(StaleElementReferenceException.class).until(d ->
        d.findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList());
  }

  private static void openEditor(String rule) {
    driver.findElement(By.id("nav-rules")).click();
    clickInRow(rule, "button.edit");
    wait.until(ExpectedConditions.attributeToBe(By.id("f-id"), "value", rule));
  }

  /** Clicks a button of a rule's row; the list may be rendered again meanwhile: retried. */
  private static void clickInRow(String rule, String button) {
    wait.ignoring(StaleElementReferenceException.class).until(d -> {
      d.findElement(By.cssSelector("#rules-list tr[data-rule='" + rule + "'] " + button))
          .click();
      return true;
    });
  }

  private static WebElement limitField(int index, String name) {
    return driver.findElement(By.cssSelector("[data-pointer='/limits/" + index + "/" + name
        + "']"));
  }

  private static void assertNothingInjected() {
    Object flag = ((JavascriptExecutor) driver).executeScript("return window.__xss;");
    assertThat(flag).as("injected script ran").isNull();
    assertThat(driver.findElements(By.cssSelector("main img, main script"))).isEmpty();
  }

  private static void type(By by, String value) {
    WebElement e = driver.findElement(by);
    e.clear();
    e.sendKeys(value);
  }

  private static String text(String id) {
    return driver.findElement(By.id(id)).getText();
  }

  private static String json(String s) {
    return TestServer.JSON.valueToTree(s).toString();
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void screenshot(String name) {
    try {
      byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
      Files.write(shots.resolve("console-" + name + ".png"), png);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
