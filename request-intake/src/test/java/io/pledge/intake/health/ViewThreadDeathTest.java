package io.pledge.intake.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The thread that keeps the status view current is vital: once it has died, liveness is DOWN (so
 * Kubernetes restarts the process) instead of the service serving a view that no longer moves. Runs
 * on an instance of its own, since it leaves that instance dead.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@TestProfile(ViewThreadDeathTest.OwnInstance.class)
class ViewThreadDeathTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  /** No overrides: a profile of its own only gives this test an instance of its own. */
  public static class OwnInstance implements QuarkusTestProfile {}

  @Test
  void livenessGoesDownWhenTheStatusViewThreadDies() {
    Awaitility.await().atMost(WAIT).until(() -> given().get("/q/health/ready").statusCode() == 200);
    given().get("/q/health/live").then().statusCode(200);
    Thread view =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals("request-intake-view-replay"))
            .findFirst()
            .orElseThrow();

    // A stray interrupt ends its loop (as an Error escaping it would): the view stops following.
    view.interrupt();

    Awaitility.await().atMost(WAIT).until(() -> !view.isAlive());
    Awaitility.await().atMost(WAIT).until(() -> given().get("/q/health/live").statusCode() == 503);
    given()
        .get("/q/health/live")
        .then()
        .statusCode(503)
        .body(containsString("request-intake-view-replay"));
  }
}
