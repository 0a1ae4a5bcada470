package io.pledge.runner.events;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * Creates the runner's compacted resource topic when it is missing, with as many partitions as
 * {@code pledge.requests}: a resource's index record then sits in the partition number of its
 * requests.
 */
final class ResourceTopic {

  private static final Logger LOG = Logger.getLogger(ResourceTopic.class);

  private ResourceTopic() {}

  /**
   * @throws IllegalStateException when the broker cannot create it
   * @throws WakeupException when interrupted (the reading loop ends on it)
   */
  static void ensure(String bootstrapServers, String requestsTopic, String resourcesTopic) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (Admin admin = Admin.create(p)) {
      int partitions =
          Optional.ofNullable(
                  admin
                      .describeTopics(List.of(requestsTopic))
                      .allTopicNames()
                      .get(30, TimeUnit.SECONDS)
                      .get(requestsTopic))
              .map(d -> d.partitions().size())
              .orElse(1);
      admin
          .createTopics(
              List.of(
                  new NewTopic(resourcesTopic, Optional.of(partitions), Optional.empty())
                      .configs(Map.of("cleanup.policy", "compact"))))
          .all()
          .get(30, TimeUnit.SECONDS);
      LOG.infof("created the compacted topic %s", resourcesTopic);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create " + resourcesTopic, e.getCause());
      }
    } catch (TimeoutException e) {
      throw new IllegalStateException("cannot create " + resourcesTopic, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WakeupException();
    }
  }
}
