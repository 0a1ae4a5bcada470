package io.pledge.e2e;

import static io.pledge.e2e.FourServices.reconciled;
import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.testkit.git.GitFixtures;
import io.pledge.testkit.oci.ExampleImages;
import io.pledge.testkit.oci.OciRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real browser: Debian's headless Chromium, driven through its chromedriver,
 * against the four packaged services. A requester signs in with a token, finds the Postgres Promise
 * in the catalog, fills its generated form with a size the schema refuses (the page says so next to
 * the field and nothing is sent), previews the dry run, requests it, watches it reach Reconciled,
 * reads its logs, sees it in the live list and deletes it. A second Promise's field with a rule
 * only the API checks shows the API's 422 next to that field. Screenshots of each step are kept in
 * {@code end-to-end/target/console-screenshots}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleIT {

  private static final Duration FLOW = Duration.ofSeconds(150);

  private final Path root =
      Path.of(System.getProperty("pledge.root", "..")).toAbsolutePath().normalize();
  private final Path screenshots = root.resolve("end-to-end/target/console-screenshots");
  private FourServices pledge;
  private WebDriver browser;
  private WebDriverWait wait;

  @BeforeAll
  void start() throws Exception {
    Path registriesConf = ExampleImages.publish(OciRegistry.shared(), root);
    pledge = new FourServices(root, "console", registriesConf);
    pledge.apply(pledge.gitStateStore(root));
    pledge.apply(Files.readString(root.resolve("examples/postgres/destination.yaml")));
    pledge.apply(Files.readString(root.resolve("examples/postgres/promise.yaml")));
    pledge.apply(PAIRS_PROMISE);
    for (String promise : List.of("postgresql", "pairs")) {
      pledge.await(
          "/api/v1/promises/" + promise, p -> "Available".equals(p.at("/status/status").asText()));
    }
    browser = HeadlessChromium.start();
    wait = new WebDriverWait(browser, FLOW);
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (pledge != null) {
      pledge.close();
    }
  }

  @Test
  void aRequesterOrdersADatabaseFromTheConsoleAndDeletesIt() throws Exception {
    signIn();
    figures("catalog");
    WebElement card =
        wait.until(
            ExpectedConditions.visibilityOfElementLocated(
                By.xpath("//li[@class='card'][h2[text()='postgresql']]")));
    assertThat(card.getText()).contains("postgresql · workshop.kratix.io/v1").contains("Available");
    shot("1-catalog");

    card.findElement(By.linkText("Request")).click();
    WebElement name = field("/metadata/name");
    name.sendKeys("console-db");
    field("/spec/requester").sendKeys("ana");
    WebElement size = field("/spec/size");
    size.sendKeys("enormous");
    button("Request").click();
    WebElement sizeError = errorOf(size);
    wait.until(ExpectedConditions.visibilityOf(sizeError));
    assertThat(sizeError.getText()).isEqualTo("Must be one of: small, medium, large.");
    assertThat(size.getAttribute("aria-invalid")).isEqualTo("true");
    shot("2-invalid-size");
    assertThat(pledge.intake().get("/api/v1/resources/default/postgresql/console-db"))
        .as("an invalid form sends nothing")
        .isEmpty();

    size.clear();
    size.sendKeys("large");
    button("Preview (dry run)").click();
    WebElement preview =
        wait.until(
            ExpectedConditions.visibilityOfElementLocated(
                By.xpath("//h2[text()='Dry run: succeeded']/..")));
    assertThat(preview.getText()).contains("acid-console-db-postgresql").contains("10Gi");
    assertThat(sizeError.isDisplayed()).isFalse();
    shot("3-dry-run");

    button("Request").click();
    wait.until(ExpectedConditions.urlContains("#/requests/default/postgresql/console-db"));
    wait.until(
        ExpectedConditions.presenceOfElementLocated(By.cssSelector("dd[data-state='Reconciled']")));
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("logs"), "rendered default/acid-console-db-postgresql: 10Gi"));
    String page = browser.findElement(By.tagName("main")).getText();
    assertThat(page).contains("worker-1").contains("Committed").contains("instance-configure");
    assertThat(
            reconciled(
                pledge
                    .intake()
                    .get("/api/v1/resources/default/postgresql/console-db")
                    .orElseThrow()))
        .isTrue();
    assertThat(
            GitFixtures.listFiles(pledge.repo(), "main").stream()
                .anyMatch(f -> f.startsWith("worker-1/resources/default/postgresql/console-db/")))
        .isTrue();
    shot("4-reconciled");
    figures("request");

    browser.findElement(By.linkText("Update")).click();
    WebElement updatedSize = field("/spec/size");
    assertThat(updatedSize.getAttribute("value")).isEqualTo("large");
    assertThat(field("/metadata/name").getAttribute("readonly")).isNotNull();
    updatedSize.clear();
    updatedSize.sendKeys("medium");
    button("Update").click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.tagName("dl"), "2 (observed 2)"));
    wait.until(
        ExpectedConditions.presenceOfElementLocated(By.cssSelector("dd[data-state='Reconciled']")));
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("logs"), "rendered default/acid-console-db-postgresql: 5Gi"));
    assertThat(
            pledge
                .intake()
                .get("/api/v1/resources/default/postgresql/console-db")
                .orElseThrow()
                .at("/spec/size")
                .asText())
        .isEqualTo("medium");

    browser.findElement(By.linkText("My requests")).click();
    WebElement row =
        wait.until(
            ExpectedConditions.visibilityOfElementLocated(
                By.xpath("//tr[td/a[text()='console-db']]")));
    assertThat(row.getText()).contains("default").contains("postgresql").contains("Reconciled");
    shot("5-my-requests");

    row.findElement(By.linkText("console-db")).click();
    button("Delete").click();
    wait.until(ExpectedConditions.alertIsPresent()).accept();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.tagName("main"), "This request has been deleted."));
    shot("6-deleted");
    assertThat(pledge.intake().get("/api/v1/resources/default/postgresql/console-db")).isEmpty();
    assertThat(
            GitFixtures.listFiles(pledge.repo(), "main").stream()
                .noneMatch(f -> f.startsWith("worker-1/resources/default/postgresql/console-db/")))
        .isTrue();
  }

  @Test
  void theApisFieldErrorsAreShownNextToTheirFields() throws Exception {
    signIn();
    browser.get(pledge.intake().url() + "/console/#/new/pairs");
    WebElement count = field("/spec/count");
    count.sendKeys("3");
    field("/metadata/name").sendKeys("odd");
    button("Request").click();
    WebElement countError = errorOf(count);
    wait.until(ExpectedConditions.visibilityOf(countError));
    assertThat(countError.getText()).contains("multiple of 2");
    assertThat(browser.findElement(By.cssSelector("[role='alert']")).getText()).startsWith("422");
    shot("7-api-field-error");
    assertThat(pledge.intake().get("/api/v1/resources/default/pairs/odd")).isEmpty();
  }

  @Test
  void thePlatformTeamSeesPromisesDestinationsStoresAndEveryServicesProgress() throws Exception {
    // A request through the whole pipeline first, so that every service's group has read something.
    pledge.apply(
        Files.readString(root.resolve("examples/postgres/request.yaml"))
            .replace("name: example", "name: platform-view"));
    pledge.await("/api/v1/resources/default/postgresql/platform-view", FourServices::reconciled);
    signIn();
    browser.findElement(By.linkText("Platform")).click();
    WebElement applies =
        wait.until(
            ExpectedConditions.visibilityOfElementLocated(
                By.xpath("//div[@class='figure'][contains(., 'Applies accepted')]/strong")));
    assertThat(Integer.parseInt(applies.getText())).isGreaterThanOrEqualTo(4);
    String page = browser.findElement(By.tagName("main")).getText();
    assertThat(page)
        .contains("postgresql Available")
        .contains("pairs Available")
        .containsPattern("worker-1 Ready environment=dev GitStateStore/default")
        .contains("default GitStateStore Ready state-store.git (main)");
    // The table is sampled every 5 s; the second sample gives the rate.
    By runner = By.xpath("//tr[td[1][text()='pledge-pipeline-runner']]");
    By runnerRate = By.xpath("//tr[td[1][text()='pledge-pipeline-runner']]/td[4][text()!='…']");
    wait.until(ExpectedConditions.presenceOfElementLocated(runnerRate));
    assertThat(browser.findElement(runner).getText()).contains("pledge.requests");
    shot("8-platform");
  }

  @Test
  void theCatalogFitsAPhone() throws Exception {
    signIn();
    browser.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
    try {
      wait.until(
          ExpectedConditions.visibilityOfElementLocated(
              By.xpath("//li[@class='card'][h2[text()='postgresql']]")));
      Object overflow =
          ((JavascriptExecutor) browser)
              .executeScript(
                  "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
      assertThat(((Number) overflow).intValue())
          .as("page wider than the phone")
          .isLessThanOrEqualTo(0);
      shot("9-catalog-phone");
    } finally {
      browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1000));
    }
  }

  /** Opens the console, which asks for a token first, and signs in as the admin. */
  private void signIn() {
    // Each test starts signed out: the token is kept for the tab (sessionStorage).
    browser.get(pledge.intake().url() + "/console/");
    ((JavascriptExecutor) browser).executeScript("sessionStorage.clear()");
    browser.get(pledge.intake().url() + "/");
    WebElement token = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
    token.sendKeys(pledge.token());
    button("Sign in").click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("who"), "Signed in as admin"));
  }

  private WebElement field(String pointer) {
    return wait.until(
        ExpectedConditions.visibilityOfElementLocated(
            By.cssSelector("[data-pointer='" + pointer + "']")));
  }

  private WebElement errorOf(WebElement input) {
    return browser.findElement(By.id(input.getAttribute("id") + "-error"));
  }

  private WebElement button(String text) {
    return wait.until(
        ExpectedConditions.elementToBeClickable(By.xpath("//button[text()='" + text + "']")));
  }

  private void shot(String name) throws IOException {
    HeadlessChromium.screenshot(browser, screenshots, name);
  }

  /**
   * Loads the current page again with an empty cache and prints what it cost as the browser
   * measured it: the time from navigation to the page's own mark that its data is shown ({@code
   * pledge:<page>}) and the bytes transferred, scripts and API answers included (docs/console.md
   * quotes these lines).
   */
  private void figures(String page) {
    ((ChromeDriver) browser).executeCdpCommand("Network.clearBrowserCache", Map.of());
    browser.navigate().refresh();
    JavascriptExecutor js = (JavascriptExecutor) browser;
    wait.until(
        b ->
            (Boolean)
                js.executeScript(
                    "return performance.getEntriesByName('pledge:' + arguments[0]).length > 0",
                    page));
    @SuppressWarnings("unchecked")
    Map<String, Object> measured =
        (Map<String, Object>)
            js.executeScript(
                "const n = performance.getEntriesByType('navigation')[0];"
                    + "const shown = performance.getEntriesByName('pledge:' + arguments[0])[0];"
                    + "const resources = performance.getEntriesByType('resource');"
                    + "const bytes = resources.reduce((s, r) => s + r.transferSize, n.transferSize);"
                    + "return {firstRenderMs: Math.round(shown.startTime), bytes: bytes,"
                    + " files: resources.length + 1};",
                page);
    System.out.println("console figures (" + page + ", empty cache): " + measured);
  }

  /** A Promise with an API only; its count must be even, which only the API checks. */
  private static final String PAIRS_PROMISE =
      """
      apiVersion: platform.kratix.io/v1alpha1
      kind: Promise
      metadata:
        name: pairs
      spec:
        api:
          apiVersion: apiextensions.k8s.io/v1
          kind: CustomResourceDefinition
          metadata:
            name: pairs.example.pledge.io
          spec:
            group: example.pledge.io
            names: {kind: Pairs, plural: pairs, singular: pairs}
            scope: Namespaced
            versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec:
                        type: object
                        properties:
                          count:
                            type: integer
                            multipleOf: 2
                            description: how many, in pairs
      """;
}
