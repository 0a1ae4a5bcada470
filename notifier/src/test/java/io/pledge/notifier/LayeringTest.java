package io.pledge.notifier;

import io.pledge.notifier.config.NotifierConfig;
import io.pledge.testkit.layering.ServiceLayering;
import java.util.List;

/** The layering rules of STYLE.md for the notifier. */
class LayeringTest extends ServiceLayering {

  LayeringTest() {
    // Qute is the template language NotificationPolicies are written in: the policy domain renders
    // with it as with a library, and reaches no framework service through it.
    super(
        "io.pledge.notifier",
        NotifierConfig.class,
        List.of(
            "io.pledge.notifier.lifecycle",
            "io.pledge.notifier.policy",
            "io.pledge.notifier.delivery"),
        "io.quarkus.qute..");
  }
}
