package io.pledge.notifier.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import org.junit.jupiter.api.Test;

class UrlTemplateTest {

  private final TemplateRenderer renderer = new TemplateRenderer();

  private URI render(String template, String spec) {
    JsonNode request = NotificationPolicyTest.yaml("spec: " + spec);
    return renderer.renderUrl(
        template, TemplateModel.of("created", TemplateRendererTest.reconciled(), request));
  }

  @Test
  void encodesEachValueAsOnePathSegmentOrQueryComponent() {
    String template =
        "https://billing.example:8443/v1/{resource.spec.team}/usage?plan={resource.spec.plan}";

    assertThat(render(template, "{team: data, plan: gold}"))
        .hasToString("https://billing.example:8443/v1/data/usage?plan=gold");
    assertThat(render(template, "{team: 'a/../../admin', plan: 'gold&x=1#f'}"))
        .hasToString(
            "https://billing.example:8443/v1/a%2F..%2F..%2Fadmin/usage?plan=gold%26x%3D1%23f");
    assertThat(render(template, "{team: 'évé  x', plan: '@evil.example:80'}"))
        .hasToString(
            "https://billing.example:8443/v1/%C3%A9v%C3%A9%20%20x/usage?plan=%40evil.example%3A80");
    // No way around the encoding: there is no .raw.
    assertThatThrownBy(
            () -> render("https://billing.example/{resource.spec.team.raw}", "{team: x}"))
        .hasMessageStartingWith("template error");
  }

  @Test
  void aValueCannotMoveTheCallToAnotherHost() {
    for (String template :
        new String[] {
          "http://{resource.spec.team}/usage",
          "http://billing.example{resource.spec.team}/usage",
          "http://billing.example:{resource.spec.team}/usage",
          "{resource.spec.team}://billing.example/usage",
          "{resource.spec.team}/usage",
          "http://{resource.spec.team}"
        }) {
      assertThatThrownBy(() -> render(template, "{team: 'evil.example'}"))
          .as(template)
          .hasMessageContaining("scheme, host and port must be written out");
    }
    assertThatThrownBy(() -> render("ftp://billing.example/{resource.spec.team}", "{team: x}"))
        .hasMessageContaining("must start with http:// or https://");
    assertThatThrownBy(
            () -> render("http://user:pw@billing.example/{resource.spec.team}", "{team: x}"))
        .hasMessageContaining("without user information");
  }

  @Test
  void refusesDotSegmentsAndWhatIsNoUrl() {
    assertThatThrownBy(
            () -> render("https://billing.example/v1/{resource.spec.team}/usage", "{team: '..'}"))
        .hasMessage("renders a URL with '.' or '..' path segments");
    assertThatThrownBy(() -> render("https://billing.example/v1 {resource.spec.team}", "{team: x}"))
        .hasMessageStartingWith("renders no URL:");
  }

  @Test
  void aTemplateErrorIsReportedAsOne() {
    assertThatThrownBy(() -> render("https://billing.example/{resource.spec.nothing}", "{team: x}"))
        .hasMessageStartingWith("template error");
  }
}
