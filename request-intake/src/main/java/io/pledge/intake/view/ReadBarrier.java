package io.pledge.intake.view;

import io.pledge.intake.config.IntakeConfig;
import io.pledge.intake.kafka.KafkaClientProperties;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Read-your-writes on any replica (issue #15): before a read, waits until this replica's view has
 * read {@code pledge.resources} up to its last stable offset, so a client that got generation g
 * from another replica sees at least g here. Bounded by {@code pledge.intake.read-barrier-timeout};
 * past it the caller answers with what the view has. See DESIGN.md, "Read-your-writes across
 * replicas".
 */
@ApplicationScoped
public class ReadBarrier implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ReadBarrier.class);

  private final Admin admin;
  private final OffsetBarrier barrier;

  @Inject
  ReadBarrier(IntakeConfig config, Config rawConfig, ViewLifecycle lifecycle) {
    this(
        KafkaClientProperties.of(rawConfig),
        config.topics().resources(),
        config.readBarrierTimeout(),
        lifecycle::reached);
  }

  /**
   * @param kafka client settings (at least {@code bootstrap.servers})
   * @param resourcesTopic the topic of folded records the view reads
   * @param timeout the longest a call waits
   * @param view whether the view has read the topic up to given offsets
   */
  public ReadBarrier(
      Map<String, String> kafka,
      String resourcesTopic,
      Duration timeout,
      OffsetBarrier.Positions view) {
    Map<String, Object> props = new HashMap<>(kafka);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "request-intake-read-barrier");
    this.admin = Admin.create(props);
    this.barrier =
        new OffsetBarrier(
            resourcesTopic, new CommittedOffsets(admin, resourcesTopic, timeout), view, timeout);
  }

  /** True once the view is past every write committed to key's partition before the call. */
  public boolean awaitKey(String key) {
    try {
      return logged(barrier.awaitKey(key), key);
    } catch (OffsetBarrier.BarrierFailure e) {
      LOG.debugf("Answering %s from the view as it is: %s", key, e.toString());
      return false;
    }
  }

  /** True once the view is past every write committed to the resources topic before the call. */
  public boolean awaitAll() {
    try {
      return logged(barrier.awaitAll(), "every resource");
    } catch (OffsetBarrier.BarrierFailure e) {
      LOG.debugf("Answering for every resource from the view as it is: %s", e.toString());
      return false;
    }
  }

  private static boolean logged(boolean reached, String what) {
    if (!reached) {
      LOG.debugf("The view did not catch up in time; answering for %s as it is", what);
    }
    return reached;
  }

  @Override
  @PreDestroy
  public void close() {
    barrier.close();
    admin.close(Duration.ofSeconds(2));
  }
}
