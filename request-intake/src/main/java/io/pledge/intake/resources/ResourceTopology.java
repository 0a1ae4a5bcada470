package io.pledge.intake.resources;

import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The resource owner's topology: {@code pledge.requests}, {@code pledge.status} and {@code
 * pledge.requests.intents} into one {@link ResourceOwner} per partition; out of it the folded
 * records to {@code pledge.resources}, the decided requests' events to {@code pledge.requests} and
 * {@code pledge.status}, and the decisions to {@code pledge.requests.decisions}. The inputs feed
 * one processor, so they must be co-partitioned (same partition count, keyed by resource key or
 * Promise name).
 */
public final class ResourceTopology {

  private ResourceTopology() {}

  /**
   * The store changelog's topic settings. Every start restores the store from it, so it is
   * compacted soon after a burst, as {@code pledge.resources} is: small segments roll while the
   * load goes on and become cleanable, instead of a week's updates (the broker's default {@code
   * segment.ms}) or a 1 GiB segment being read at every start.
   */
  static final Map<String, String> CHANGELOG =
      Map.of(
          "segment.ms", "600000",
          "segment.bytes", "16777216",
          "min.cleanable.dirty.ratio", "0.1");

  /** The topics the owner reads and writes. */
  public record OwnerTopics(
      String requests, String status, String intents, String resources, String decisions) {}

  /**
   * @param topics the topics it reads and writes
   * @param source the CloudEvents {@code source} of the folded records
   * @param requestSource the CloudEvents {@code source} of the request events it writes
   */
  public static Topology build(OwnerTopics topics, String source, String requestSource) {
    Topology topology = new Topology();
    topology.addSource(
        "requests",
        Serdes.String().deserializer(),
        Serdes.String().deserializer(),
        topics.requests());
    topology.addSource(
        "status", Serdes.String().deserializer(), Serdes.String().deserializer(), topics.status());
    topology.addSource(
        "intents",
        Serdes.String().deserializer(),
        Serdes.String().deserializer(),
        topics.intents());
    topology.addProcessor(
        "owner",
        () -> new ResourceOwner(source, topics.intents(), requestSource),
        "requests",
        "status",
        "intents");
    // In memory, restored from its changelog: no RocksDB (kafka-runtime/pom.xml). No cache, so
    // every change is forwarded as it happens, not when the cache flushes.
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(ResourceOwner.STORE), Serdes.String(), Serdes.String())
            .withCachingDisabled()
            .withLoggingEnabled(CHANGELOG),
        "owner");
    sink(topology, ResourceOwner.RESOURCES, topics.resources());
    sink(topology, ResourceOwner.REQUESTS, topics.requests());
    sink(topology, ResourceOwner.STATUS, topics.status());
    sink(topology, ResourceOwner.DECISIONS, topics.decisions());
    return topology;
  }

  private static void sink(Topology topology, String name, String topic) {
    topology.addSink(
        name, topic, Serdes.String().serializer(), Serdes.String().serializer(), "owner");
  }
}
