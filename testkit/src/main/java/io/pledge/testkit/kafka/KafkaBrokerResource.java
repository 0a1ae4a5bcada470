package io.pledge.testkit.kafka;

import io.pledge.contract.Topics;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Points a {@code @QuarkusTest} at the shared in-process broker:
 * {@code @QuarkusTestResource(KafkaBrokerResource.class)}. Pledge's topics exist before the
 * application starts, the compacted ones compacted.
 */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

  /** Every topic a Pledge service reads or writes by default. */
  public static final List<String> PLEDGE_TOPICS =
      List.of(
          Topics.PROMISES,
          Topics.DESTINATIONS,
          Topics.DESTINATIONS_STATUS,
          Topics.POLICIES,
          Topics.REQUESTS,
          Topics.REQUESTS_INBOUND,
          Topics.WORKS,
          Topics.STATUS,
          Topics.LOGS,
          Topics.NOTIFICATIONS_DELIVERED,
          Topics.NOTIFICATIONS_DEAD_LETTER,
          Topics.PLACEMENTS,
          Topics.RUNNER_RESOURCES,
          Topics.DRY_RUNS,
          Topics.DRY_RUN_REPLIES,
          Topics.RESOURCES,
          Topics.REQUEST_INTENTS,
          Topics.REQUEST_DECISIONS,
          Topics.COMPONENTS);

  public static final Set<String> COMPACTED =
      Set.of(
          Topics.PROMISES,
          Topics.DESTINATIONS,
          Topics.DESTINATIONS_STATUS,
          Topics.POLICIES,
          Topics.NOTIFICATIONS_DELIVERED,
          Topics.PLACEMENTS,
          Topics.RUNNER_RESOURCES,
          Topics.RESOURCES);

  @Override
  public Map<String, String> start() {
    EmbeddedKafka kafka = EmbeddedKafka.shared();
    kafka.createTopics(PLEDGE_TOPICS, COMPACTED);
    return Map.of("kafka.bootstrap.servers", kafka.bootstrapServers());
  }

  @Override
  public void stop() {
    // The broker is shared by every test class of this JVM and stops with it.
  }
}
