package io.pledge.intake.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.notification.NotificationPolicyApplied;
import io.pledge.contract.notification.NotificationPolicyDeleted;
import io.pledge.contract.pipeline.WorkflowCompleted;
import io.pledge.contract.pipeline.WorkflowRef;
import io.pledge.contract.promise.PromiseApplied;
import io.pledge.contract.request.RequestAccepted;
import io.pledge.contract.request.RequestApplied;
import io.pledge.contract.resource.ResourceRecord;
import io.pledge.intake.kafka.TopicReplayer;
import io.pledge.kafka.health.VitalThreads;
import io.pledge.testkit.kafka.EmbeddedKafka;
import io.pledge.testkit.kafka.EventProbe;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The view survives a restart: a new instance reads the same state from the tables. */
class TopicReplayerTest {

  private static final EventCodec CODEC = new EventCodec("/pledge/request-intake");

  private static CloudEvent policyApplied(String name, long generation) {
    ObjectNode policy =
        (ObjectNode)
            KratixDocuments.readAll(
                    """
                    apiVersion: pledge.io/v1alpha1
                    kind: NotificationPolicy
                    metadata: {name: %s, generation: %d}
                    spec:
                      promise: postgresql
                      rules: [{events: [reconciled], channel: slack}]
                    """
                        .formatted(name, generation))
                .get(0);
    return CODEC.event(
        EventType.NOTIFICATION_POLICY_APPLIED,
        name,
        new NotificationPolicyApplied(name, generation, policy));
  }

  private static CloudEvent folded(ResourceRecord record) {
    return CODEC.event(EventType.RESOURCE_FOLDED, record.key(), record);
  }

  /** Writes {@code event} in a transaction that is then aborted, as a fenced owner's would be. */
  private static void writeAborted(String bootstrap, String topic, String key, CloudEvent event) {
    Map<String, Object> props =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG,
            "aborting-" + UUID.randomUUID(),
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            StringSerializer.class.getName(),
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, key, EventCodec.write(event)));
      producer.flush();
      producer.abortTransaction();
    }
  }

  @Test
  void aRestartedInstanceReadsPromisesPoliciesAndFoldedResources() throws Exception {
    EmbeddedKafka kafka = EmbeddedKafka.shared();
    String run = UUID.randomUUID().toString().substring(0, 8);
    String promises = "promises-" + run;
    String destinations = "destinations-" + run;
    String resources = "resources-" + run;
    String policies = "policies-" + run;
    String readiness = "readiness-" + run;
    kafka.createTopics(
        List.of(promises, destinations, policies, resources, readiness),
        Set.of(promises, destinations, policies, resources, readiness));
    ResourceKey key = new ResourceKey("default", "postgresql", "example");
    try (InputStream in = getClass().getResourceAsStream("/postgres/promise.yaml");
        EventProbe probe = new EventProbe(kafka.bootstrapServers(), resources)) {
      probe.publish(
          promises,
          CODEC.event(
              EventType.PROMISE_APPLIED,
              "postgresql",
              new PromiseApplied("postgresql", 1, KratixDocuments.YAML.readTree(in))));
      probe.publish(promises, "gone", null); // a tombstone
      for (long g = 1; g <= 2; g++) {
        probe.publish(policies, policyApplied("kept", g));
      }
      probe.publish(policies, policyApplied("dropped", 3));
      probe.publish(
          policies,
          CODEC.event(
              EventType.NOTIFICATION_POLICY_DELETED,
              "dropped",
              new NotificationPolicyDeleted("dropped")));
      probe.publish(policies, policyApplied("compacted", 1));
      probe.publish(policies, "compacted", null);
      // The owner's records of the key: each a fold of the one before it and one more event.
      ResourceRecord record = null;
      for (long g = 1; g <= 2; g++) {
        record =
            ResourceFold.apply(
                record,
                key.toString(),
                CODEC.event(
                    EventType.REQUEST_ACCEPTED,
                    key.toString(),
                    new RequestAccepted(key, g, "h" + g, "apply", null)));
        record =
            ResourceFold.apply(
                record,
                key.toString(),
                CODEC.event(
                    EventType.REQUEST_APPLIED,
                    key.toString(),
                    new RequestApplied(key, g, "h" + g, IntakeViewTest.resource(g))));
        probe.publish(resources, folded(record));
      }
      record =
          ResourceFold.apply(
              record,
              key.toString(),
              CODEC.event(
                  EventType.WORKFLOW_COMPLETED,
                  key.toString(),
                  new WorkflowCompleted(
                      new WorkflowRef(key.toString(), "resource", "configure", 2), List.of())));
      probe.publish(resources, folded(record));
      probe.publish(resources, folded(ResourceRecord.empty("default/postgresql/forgotten")));
      probe.publish(resources, "default/postgresql/forgotten", null); // the owner forgot it
      probe.publish(resources, key.toString(), "not a cloud event");
      // A record of an aborted owner transaction is never seen (read_committed).
      ResourceRecord aborted =
          ResourceFold.apply(
              record,
              key.toString(),
              CODEC.event(
                  EventType.REQUEST_APPLIED,
                  key.toString(),
                  new RequestApplied(key, 9, "aborted", IntakeViewTest.resource(9))));
      writeAborted(kafka.bootstrapServers(), resources, key.toString(), folded(aborted));
    }

    for (int instance = 0; instance < 2; instance++) {
      IntakeView view = new IntakeView(true);
      try (TopicReplayer replayer =
          new TopicReplayer(
              Map.of("bootstrap.servers", kafka.bootstrapServers()),
              List.of(promises, destinations, policies, resources, readiness),
              "request-intake-view",
              new ViewSink(promises, destinations, policies, resources, readiness, view))) {
        assertThat(replayer.caughtUp()).isFalse();
        replayer.start(new VitalThreads());
        await().atMost(Duration.ofSeconds(20)).until(replayer::caughtUp);

        assertThat(view.promise("postgresql")).isPresent();
        assertThat(view.policies()).extracting(PolicyEntry::name).containsExactly("kept");
        assertThat(view.policy("kept").orElseThrow().generation()).isEqualTo(2);
        assertThat(view.policy("kept").orElseThrow().document().at("/spec/promise").asText())
            .isEqualTo("postgresql");
        assertThat(view.deletedPolicyGeneration("dropped")).isEqualTo(3);
        assertThat(view.deletedPolicyGeneration("compacted")).isZero();
        // Policy events are table rows, not lifecycle events: nothing is folded into a status.
        assertThat(view.status("kept")).isEmpty();
        assertThat(view.promiseOffering("workshop.kratix.io/v1", "postgresql")).isPresent();
        assertThat(view.request(key).orElseThrow().generation()).isEqualTo(2);
        assertThat(view.request(key).orElseThrow().specHash()).isEqualTo("h2");
        assertThat(view.status(key.toString()).orElseThrow().observedGeneration()).isEqualTo(2);
        assertThat(view.status(key.toString()).orElseThrow().message())
            .isEqualTo("Resource requested");
        assertThat(view.request(new ResourceKey("default", "postgresql", "forgotten"))).isEmpty();
      }
    }
  }
}
