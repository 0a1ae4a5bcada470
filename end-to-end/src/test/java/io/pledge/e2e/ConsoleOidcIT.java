package io.pledge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.testkit.kafka.EmbeddedKafka;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.pledge.testkit.process.PackagedService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console's sign-in when request-intake runs in mode {@code oidc}: the Authorization Code flow
 * with PKCE, in headless Chromium, against a stand-in provider (a third-party service, like Slack)
 * and the packaged request-intake verifying the provider's tokens through its discovery document
 * and JWKS.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleOidcIT {

  private final Path root =
      Path.of(System.getProperty("pledge.root", "..")).toAbsolutePath().normalize();
  private final Path screenshots = root.resolve("end-to-end/target/console-screenshots");
  private EmbeddedKafka kafka;
  private StandInIdentityProvider provider;
  private PackagedService intake;
  private WebDriver browser;
  private WebDriverWait wait;

  @BeforeAll
  void start() throws Exception {
    kafka = EmbeddedKafka.start();
    kafka.createTopics(KafkaBrokerResource.PLEDGE_TOPICS, KafkaBrokerResource.COMPACTED);
    provider = StandInIdentityProvider.start("pledge-console");
    Path home = Files.createTempDirectory("pledge-console-oidc");
    intake =
        new PackagedService(
                root, "request-intake", root.resolve("end-to-end/target/e2e-logs/console-oidc"))
            .env("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers())
            .env("PLEDGE_HOME", home.toString())
            .env("PLEDGE_INTAKE_AUTH_ENABLED", "true")
            .env("PLEDGE_INTAKE_AUTH_MODE", "oidc")
            .env("QUARKUS_OIDC_AUTH_SERVER_URL", provider.issuer())
            .env("QUARKUS_OIDC_CLIENT_ID", "pledge-intake")
            .start();
    intake.awaitReady(Duration.ofSeconds(90));
    browser = HeadlessChromium.start();
    wait = new WebDriverWait(browser, Duration.ofSeconds(60));
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (intake != null) {
      intake.close();
    }
    if (provider != null) {
      provider.close();
    }
    if (kafka != null) {
      kafka.stop();
    }
  }

  @Test
  void aUserSignsInThroughTheProviderAndTheConsoleUsesItsAccessToken() throws Exception {
    browser.get(intake.url() + "/");
    wait.until(ExpectedConditions.elementToBeClickable(By.id("oidc-sign-in"))).click();

    wait.until(ExpectedConditions.urlContains(provider.issuer() + "/auth"));
    assertThat(browser.getCurrentUrl())
        .contains("client_id=pledge-console")
        .contains("code_challenge_method=S256")
        .contains(
            "redirect_uri=" + java.net.URLEncoder.encode(intake.url() + "/console/", "UTF-8"));
    browser.findElement(By.id("username")).sendKeys("ana");
    browser.findElement(By.xpath("//button[text()='Sign in']")).click();

    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("who"), "Signed in as ana"));
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.xpath("//h1[text()='Catalog']")));
    assertThat(browser.getCurrentUrl())
        .as("the code leaves the address bar")
        .doesNotContain("code=")
        .endsWith("/console/#/catalog");
    assertThat(browser.findElement(By.linkText("Platform")).isDisplayed())
        .as("the provider's groups claim made ana a platform-admin")
        .isTrue();
    String token =
        (String)
            ((JavascriptExecutor) browser)
                .executeScript("return sessionStorage.getItem('pledge.token')");
    assertThat(token.split("\\.")).hasSize(3);
    HeadlessChromium.screenshot(browser, screenshots, "oidc-signed-in");

    // A forged token (signed by a key the provider never had) is refused by request-intake.
    ((JavascriptExecutor) browser)
        .executeScript(
            "const t = sessionStorage.getItem('pledge.token').split('.');"
                + "sessionStorage.setItem('pledge.token', t[0] + '.' + t[1] + '.AAAA');");
    browser.navigate().refresh();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("oidc-sign-in")));
  }
}
