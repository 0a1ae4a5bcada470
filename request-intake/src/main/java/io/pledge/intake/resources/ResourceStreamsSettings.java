package io.pledge.intake.resources;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.BuiltInDslStoreSuppliers;

/** The Kafka Streams settings of the resource owner (docs/design/backbone-v2.md section 2). */
public final class ResourceStreamsSettings {

  private ResourceStreamsSettings() {}

  /**
   * @param kafka the service's {@code kafka.*} client settings (bootstrap servers, security)
   * @param applicationId the Streams application id
   * @param commitInterval how often the transaction commits
   * @param stateDir where Streams keeps its lock files
   */
  public static Properties of(
      Map<String, String> kafka, String applicationId, Duration commitInterval, String stateDir) {
    Properties p = new Properties();
    p.putAll(kafka);
    // The plain consumers' settings that do not apply to a Streams application's own clients.
    p.remove(ConsumerConfig.GROUP_ID_CONFIG);
    p.remove(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG);
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    // Store changelog, folded records and input offsets commit in one transaction.
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(commitInterval.toMillis()));
    // Streams' own producer default is linger 100 ms; one record per change should not wait.
    p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), "1");
    // pledge.resources is zstd: batches compressed here are kept as they are, where uncompressed
    // ones cost the broker a compression each. The changelog takes them compressed too.
    p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "zstd");
    // When an instance dies mid-transaction, the instance taking its tasks over reads past the
    // dead producer's open transaction only once the broker aborts it: after this timeout, not
    // Kafka Streams' EOS default of 10 s. A transaction lives one commit interval (100 ms).
    p.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), "5000");
    p.put(StreamsConfig.POLL_MS_CONFIG, "20");
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "1");
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, Integer.toString(4 * 1024 * 1024));
    // Any DSL store (a later global table) in memory too: there is no RocksDB here.
    p.put(
        StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG,
        BuiltInDslStoreSuppliers.InMemoryDslStoreSuppliers.class.getName());
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    return p;
  }
}
