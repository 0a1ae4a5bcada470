package io.pledge.intake.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pledge.contract.Topics;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventSchemas;
import io.pledge.contract.event.EventType;
import io.pledge.contract.resource.ResourceRecord;
import io.pledge.contract.status.StatusFold;
import io.pledge.intake.view.GoldenEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The owner's topology without a broker: what it folds, stores and forwards. */
class ResourceTopologyTest {

  static final String KEY = GoldenEvents.KEY;
  static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

  private TopologyTestDriver driver;
  private TestInputTopic<String, String> requests;
  private TestInputTopic<String, String> status;
  private TestOutputTopic<String, String> resources;

  @BeforeEach
  void start() {
    driver = driver("pledge-resources-test");
    requests =
        driver.createInputTopic(Topics.REQUESTS, new StringSerializer(), new StringSerializer());
    status = driver.createInputTopic(Topics.STATUS, new StringSerializer(), new StringSerializer());
    resources =
        driver.createOutputTopic(
            Topics.RESOURCES, new StringDeserializer(), new StringDeserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  @Test
  void foldsTheGoldenStatusEventsAsStatusFoldDoes() {
    List<CloudEvent> life = GoldenEvents.statusLife();
    requests.pipeInput(KEY, GoldenEvents.json("pledge.request.applied"), T0);
    for (CloudEvent e : life) {
      status.pipeInput(KEY, EventCodec.write(e), T0);
    }

    Map<String, String> last = resources.readKeyValuesToMap();
    ResourceRecord record = record(last.get(KEY));

    assertThat(record.status()).isEqualTo(StatusFold.foldAll(KEY, life));
    assertThat(record.request().generation()).isEqualTo(1);
    assertThat(record.request().document())
        .isEqualTo(GoldenEvents.read("pledge.request.applied").data().get("resource"));
    KeyValueStore<String, String> store = driver.getKeyValueStore(ResourceOwner.STORE);
    assertThat(ResourceOwner.read(store.get(KEY))).isEqualTo(record);
  }

  @Test
  void forwardsEveryChangeAsAFoldedEventThatSatisfiesTheContract() {
    requests.pipeInput(KEY, GoldenEvents.json("pledge.request.applied"), T0);
    status.pipeInput(KEY, GoldenEvents.json("pledge.request.accepted"), T0.plusSeconds(1));

    List<KeyValue<String, String>> out = resources.readKeyValuesToList();

    assertThat(out).hasSize(2).allSatisfy(kv -> assertThat(kv.key).isEqualTo(KEY));
    CloudEvent second = EventCodec.read(out.get(1).value);
    assertThat(EventSchemas.violations(second)).isEmpty();
    assertThat(second.eventType()).contains(EventType.RESOURCE_FOLDED);
    assertThat(second.subject()).isEqualTo(KEY);
    assertThat(second.source()).isEqualTo("/pledge/request-intake/owner");
    assertThat(second.time()).isEqualTo(T0.plusSeconds(1));
  }

  @Test
  void anEventThatChangesNothingElseMovesTheSourceOffset() {
    requests.pipeInput(KEY, GoldenEvents.json("pledge.request.applied"), T0);
    ResourceRecord first = record(resources.readKeyValuesToList().get(0).value);

    requests.pipeInput(KEY, GoldenEvents.json("pledge.request.applied"), T0);
    List<KeyValue<String, String>> out = resources.readKeyValuesToList();

    // A reader that published the second copy itself learns from this record that it was folded.
    assertThat(out).hasSize(1);
    ResourceRecord again = record(out.get(0).value);
    assertThat(again.sourceOffsets()).isEqualTo(Map.of(Topics.REQUESTS, 1L));
    assertThat(again.withSourceOffset(Topics.REQUESTS, 0)).isEqualTo(first);
  }

  @Test
  void forwardsNothingForRecordsThatAreNoResourceEvent() {
    requests.pipeInput(KEY, GoldenEvents.json("pledge.request.reconcile"), T0);
    requests.pipeInput(KEY, "not an event", T0);
    requests.pipeInput(KEY, (String) null, T0);

    assertThat(resources.isEmpty()).isTrue();
  }

  @Test
  void skipsAnEventTheFoldCannotTakeAndGoesOn() {
    CloudEvent accepted = GoldenEvents.read("pledge.request.accepted");
    CloudEvent broken =
        new CloudEvent(
            accepted.specversion(),
            accepted.id() + "-broken",
            accepted.source(),
            accepted.type(),
            accepted.subject(),
            accepted.time(),
            accepted.datacontenttype(),
            accepted.dataschema(),
            null,
            EventCodec.JSON.createObjectNode());

    status.pipeInput(KEY, EventCodec.write(broken), T0);
    status.pipeInput(KEY, EventCodec.write(accepted), T0);

    Map<String, String> last = resources.readKeyValuesToMap();
    assertThat(record(last.get(KEY)).status())
        .isEqualTo(StatusFold.foldAll(KEY, List.of(accepted)));
  }

  @Test
  void foldingTheSameInputsTwiceWritesTheSameBytes() {
    List<KeyValue<String, String>> first = foldLife(this.requests, this.status, this.resources);
    try (TopologyTestDriver again = driver("pledge-resources-test-again")) {
      List<KeyValue<String, String>> second =
          foldLife(
              again.createInputTopic(
                  Topics.REQUESTS, new StringSerializer(), new StringSerializer()),
              again.createInputTopic(Topics.STATUS, new StringSerializer(), new StringSerializer()),
              again.createOutputTopic(
                  Topics.RESOURCES, new StringDeserializer(), new StringDeserializer()));

      assertThat(second).isEqualTo(first).hasSizeGreaterThan(5);
    }
  }

  @Test
  void runsWithoutRocksDb() {
    // kafka-runtime excludes rocksdbjni: every store of the topology must be an in-memory one.
    assertThatThrownBy(() -> Class.forName("org.rocksdb.RocksDB"))
        .isInstanceOf(ClassNotFoundException.class);
    requests.pipeInput(KEY, GoldenEvents.json("pledge.request.applied"), T0);
    assertThat(driver.getKeyValueStore(ResourceOwner.STORE).persistent()).isFalse();
  }

  private static List<KeyValue<String, String>> foldLife(
      TestInputTopic<String, String> requests,
      TestInputTopic<String, String> status,
      TestOutputTopic<String, String> resources) {
    requests.pipeInput(KEY, GoldenEvents.json("pledge.request.applied"), T0);
    Instant t = T0;
    for (CloudEvent e : GoldenEvents.statusLife()) {
      t = t.plus(Duration.ofMillis(10));
      status.pipeInput(KEY, EventCodec.write(e), t);
    }
    requests.pipeInput(KEY, GoldenEvents.json("pledge.request.deleted"), t.plusSeconds(1));
    return new ArrayList<>(resources.readKeyValuesToList());
  }

  static TopologyTestDriver driver(String applicationId) {
    Properties p =
        ResourceStreamsSettings.of(
            Map.of("bootstrap.servers", "unused:9092"),
            applicationId,
            Duration.ofMillis(10),
            "target/streams-test");
    return new TopologyTestDriver(
        ResourceTopology.build(
            new ResourceTopology.OwnerTopics(
                Topics.REQUESTS,
                Topics.STATUS,
                Topics.REQUEST_INTENTS,
                Topics.RESOURCES,
                Topics.REQUEST_DECISIONS),
            "/pledge/request-intake/owner",
            "/pledge/request-intake"),
        p);
  }

  static ResourceRecord record(String json) {
    return EventCodec.data(EventCodec.read(json), ResourceRecord.class);
  }
}
