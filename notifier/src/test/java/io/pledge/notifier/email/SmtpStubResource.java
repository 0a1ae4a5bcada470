package io.pledge.notifier.email;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** An in-process SMTP server (GreenMail) on a random port, with the notifier mailing to it. */
public class SmtpStubResource implements QuarkusTestResourceLifecycleManager {

  public static final String TO = "platform-team@example.com";

  private GreenMail smtp;

  @Override
  public Map<String, String> start() {
    smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    smtp.start();
    return Map.of(
        "quarkus.mailer.mock", "false",
        "quarkus.mailer.host", "127.0.0.1",
        "quarkus.mailer.port", Integer.toString(smtp.getSmtp().getPort()),
        "quarkus.mailer.tls", "false",
        "quarkus.mailer.start-tls", "DISABLED",
        "quarkus.mailer.from", "pledge@example.com",
        "pledge.notifier.email.to", TO);
  }

  @Override
  public void inject(TestInjector injector) {
    injector.injectIntoFields(
        smtp, new TestInjector.AnnotatedAndMatchesType(SmtpStub.class, GreenMail.class));
  }

  @Override
  public void stop() {
    if (smtp != null) {
      smtp.stop();
    }
  }
}
