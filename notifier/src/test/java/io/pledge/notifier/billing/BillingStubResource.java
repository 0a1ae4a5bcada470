package io.pledge.notifier.billing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Stands in for a billing API: WireMock on a random port, 201 to every usage event. */
public class BillingStubResource implements QuarkusTestResourceLifecycleManager {

  public static final String PATH = "/v1/usage-events";
  public static final String TOKEN = "test-billing-token";

  private WireMockServer server;

  @Override
  public Map<String, String> start() {
    server = new WireMockServer(options().dynamicPort());
    server.start();
    server.stubFor(post(urlEqualTo(PATH)).atPriority(10).willReturn(aResponse().withStatus(201)));
    return Map.of(
        "pledge.notifier.billing.url",
        server.baseUrl() + PATH,
        "pledge.notifier.billing.token",
        TOKEN);
  }

  @Override
  public void inject(TestInjector injector) {
    injector.injectIntoFields(
        server, new TestInjector.AnnotatedAndMatchesType(BillingStub.class, WireMockServer.class));
  }

  @Override
  public void stop() {
    if (server != null) {
      server.stop();
    }
  }
}
