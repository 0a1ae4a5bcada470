package io.pledge.intake.resources;

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
            .withCachingDisabled(),
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
