package io.pledge.intake.resources;

import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The resource owner's topology: {@code pledge.requests} and {@code pledge.status} into one {@link
 * ResourceOwner} per partition, its folded records out to {@code pledge.resources}. Both inputs
 * feed one processor, so Kafka Streams requires them co-partitioned (same partition count, keyed by
 * resource key or Promise name) and refuses to start otherwise.
 */
public final class ResourceTopology {

  private ResourceTopology() {}

  /**
   * @param requests the accepted requests topic
   * @param status the lifecycle events topic
   * @param resources the compacted topic of folded records
   * @param source the CloudEvents {@code source} of the folded records
   */
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

  public static Topology build(String requests, String status, String resources, String source) {
    Topology topology = new Topology();
    topology.addSource(
        "requests", Serdes.String().deserializer(), Serdes.String().deserializer(), requests);
    topology.addSource(
        "status", Serdes.String().deserializer(), Serdes.String().deserializer(), status);
    topology.addProcessor("owner", () -> new ResourceOwner(source), "requests", "status");
    // In memory, restored from its changelog: no RocksDB (kafka-runtime/pom.xml). No cache, so
    // every change is forwarded as it happens, not when the cache flushes.
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(ResourceOwner.STORE), Serdes.String(), Serdes.String())
            .withCachingDisabled()
            .withLoggingEnabled(CHANGELOG),
        "owner");
    topology.addSink(
        "resources",
        resources,
        Serdes.String().serializer(),
        Serdes.String().serializer(),
        "owner");
    return topology;
  }
}
