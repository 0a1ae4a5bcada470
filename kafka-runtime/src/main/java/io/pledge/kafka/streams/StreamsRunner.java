package io.pledge.kafka.streams;

import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.jboss.logging.Logger;

/**
 * Runs one Kafka Streams application in a service: starts it, tells whether it is running, and
 * closes it. Plain Java, no framework: the Quarkus Kafka Streams extension loads RocksDB's native
 * library at start whether or not a store uses it, and Pledge keeps its stores in memory without
 * the RocksDB jar (kafka-runtime/pom.xml).
 *
 * <p>An exception escaping the topology shuts this client down (state {@code ERROR}), so {@link
 * #running()} turns false: a deterministic processor would fail the same way on a replaced thread.
 */
public final class StreamsRunner implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(StreamsRunner.class);

  private final KafkaStreams streams;
  private final String name;

  /**
   * @param topology what to run
   * @param props the Kafka Streams settings, {@code application.id} and {@code bootstrap.servers}
   *     at least
   */
  public StreamsRunner(Topology topology, Properties props) {
    this.name = props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
    this.streams = new KafkaStreams(topology, props);
    streams.setUncaughtExceptionHandler(
        e -> {
          LOG.errorf(e, "Kafka Streams application %s failed; shutting it down", name);
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.setStateListener(
        (now, before) -> LOG.infof("Kafka Streams application %s: %s -> %s", name, before, now));
  }

  public void start() {
    streams.start();
  }

  /** True while every task is assigned and restored and the application processes records. */
  public boolean running() {
    return streams.state() == KafkaStreams.State.RUNNING;
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /** A read-only view of the key-value store {@code storeName} of this instance's tasks. */
  public <K, V> ReadOnlyKeyValueStore<K, V> store(String storeName) {
    return streams.store(
        StoreQueryParameters.fromNameAndType(storeName, QueryableStoreTypes.<K, V>keyValueStore()));
  }

  /**
   * Stops the application and leaves its group, so the instance that takes over (a restart, a
   * replica) gets the tasks at once instead of after the session timeout.
   */
  @Override
  public void close() {
    streams.close(new KafkaStreams.CloseOptions().leaveGroup(true).timeout(Duration.ofSeconds(10)));
  }
}
