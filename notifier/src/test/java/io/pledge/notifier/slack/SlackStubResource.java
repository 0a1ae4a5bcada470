package io.pledge.notifier.slack;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Stands in for Slack: a WireMock server on a random port, answering {@code ok} to every post on
 * the webhook path unless a test stubs otherwise. Points the notifier's webhook URL at it.
 */
public class SlackStubResource implements QuarkusTestResourceLifecycleManager {

  /** The path of the incoming webhook; Slack's carries the team, bot and secret token. */
  public static final String PATH = "/services/T0000/B0000/not-a-real-token";

  private WireMockServer server;

  @Override
  public Map<String, String> start() {
    server = new WireMockServer(options().dynamicPort());
    server.start();
    server.stubFor(
        post(urlEqualTo(PATH))
            .atPriority(10)
            .willReturn(aResponse().withStatus(200).withBody("ok")));
    return Map.of("pledge.notifier.slack.webhook-url", server.baseUrl() + PATH);
  }

  @Override
  public void inject(TestInjector injector) {
    injector.injectIntoFields(
        server, new TestInjector.AnnotatedAndMatchesType(SlackStub.class, WireMockServer.class));
  }

  @Override
  public void stop() {
    if (server != null) {
      server.stop();
    }
  }
}
