package io.pledge.testkit.kafka;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node KRaft Kafka broker (combined broker and controller) in this JVM, built on
 * Kafka's own {@link KafkaClusterTestKit}. One broker per JVM serves every test class; it stops
 * when the JVM exits.
 */
public final class EmbeddedKafka {

  private static EmbeddedKafka shared;

  private final KafkaClusterTestKit cluster;

  private EmbeddedKafka(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
  }

  /** The broker shared by this JVM, started on first use (about 3 s). */
  public static synchronized EmbeddedKafka shared() {
    if (shared == null) {
      shared = start();
      Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "embedded-kafka-stop"));
    }
    return shared;
  }

  /** A new broker, independent of the shared one (e.g. to test a broker restart). */
  public static EmbeddedKafka start() {
    // Kafka's test kit deletes its temporary directories in a shutdown hook that races with the
    // broker's own shutdown; a broker that finds its log directory gone halts the JVM, and
    // surefire then reports a crashed fork although every test passed.
    Exit.setHaltProcedure((code, message) -> {});
    Exit.setExitProcedure((code, message) -> {});
    try {
      TestKitNodes nodes =
          new TestKitNodes.Builder()
              .setCombined(true)
              .setNumBrokerNodes(1)
              .setNumControllerNodes(1)
              // The default is an unreleased testing version; clients expect a production one.
              .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
              .build();
      KafkaClusterTestKit cluster =
          new KafkaClusterTestKit.Builder(nodes)
              .setConfigProp("offsets.topic.replication.factor", "1")
              .setConfigProp("offsets.topic.num.partitions", "4")
              .setConfigProp("transaction.state.log.replication.factor", "1")
              .setConfigProp("transaction.state.log.min.isr", "1")
              .setConfigProp("group.initial.rebalance.delay.ms", "0")
              .setConfigProp("auto.create.topics.enable", "true")
              .setConfigProp("num.partitions", "4")
              .build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      return new EmbeddedKafka(cluster);
    } catch (Exception e) {
      throw new IllegalStateException("could not start the in-process Kafka broker", e);
    }
  }

  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /** Creates topics (4 partitions; compacted when listed in {@code compacted}) if missing. */
  public void createTopics(Collection<String> topics, Set<String> compacted) {
    try (Admin admin = admin()) {
      List<NewTopic> newTopics =
          topics.stream()
              .map(
                  t ->
                      new NewTopic(t, 4, (short) 1)
                          .configs(
                              compacted.contains(t)
                                  ? Map.of("cleanup.policy", "compact")
                                  : Map.of()))
              .collect(Collectors.toList());
      admin.createTopics(newTopics).values().values().forEach(EmbeddedKafka::ignoreExists);
    }
  }

  public Admin admin() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return Admin.create(props);
  }

  public void stop() {
    try {
      cluster.close();
    } catch (Exception e) {
      // Shutting down: nothing left to do with the error.
    }
  }

  private static void ignoreExists(org.apache.kafka.common.KafkaFuture<Void> future) {
    try {
      future.get();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException(e.getCause());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
