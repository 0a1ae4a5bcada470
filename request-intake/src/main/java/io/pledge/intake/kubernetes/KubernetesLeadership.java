package io.pledge.intake.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * One instance at a time leads: it holds a {@code coordination.k8s.io} Lease, renews it, and runs
 * {@code lead} while it does; the others stand by and take over once the Lease has not been renewed
 * for its duration. This is how Kubernetes controllers run as several replicas (client-go's and
 * Fabric8's leader election, the same Lease record), so that two intake replicas in Kubernetes mode
 * do not both apply each object and both write its status.
 *
 * <p>An instance that loses the Lease (it could not renew it in time, e.g. cut off from the API
 * server) stops leading at once and competes again, as a standby.
 */
final class KubernetesLeadership implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(KubernetesLeadership.class);

  /** How long the Lease holds, and how often it is renewed and tried for. */
  record Timing(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {}

  private final KubernetesClient client;
  private final String namespace;
  private final String lease;
  private final String identity;
  private final Timing timing;
  private final Runnable lead;
  private final Runnable standDown;
  private final AtomicBoolean leading = new AtomicBoolean();
  private volatile boolean closed;
  private volatile CompletableFuture<?> election;

  /**
   * @param lead called when this instance becomes the leader
   * @param standDown called when it stops being the leader (lost the Lease, or closed)
   */
  KubernetesLeadership(
      KubernetesClient client,
      String namespace,
      String lease,
      String identity,
      Timing timing,
      Runnable lead,
      Runnable standDown) {
    this.client = client;
    this.namespace = namespace;
    this.lease = lease;
    this.identity = identity;
    this.timing = timing;
    this.lead = lead;
    this.standDown = standDown;
  }

  /** Competes for the Lease, now and again after every loss, until closed. */
  synchronized void start() {
    if (closed) {
      return;
    }
    LOG.infof("Kubernetes mode: %s competes for the Lease %s/%s", identity, namespace, lease);
    CompletableFuture<?> running =
        client
            .leaderElector()
            .withConfig(
                new LeaderElectionConfigBuilder()
                    .withName(lease)
                    .withLock(new LeaseLock(namespace, lease, identity))
                    .withLeaseDuration(timing.leaseDuration())
                    .withRenewDeadline(timing.renewDeadline())
                    .withRetryPeriod(timing.retryPeriod())
                    .withReleaseOnCancel(true)
                    .withLeaderCallbacks(
                        new LeaderCallbacks(this::started, this::stopped, this::observed))
                    .build())
            .build()
            .start();
    election = running;
    // The elector ends once it lost the Lease (or failed): stand by and compete again.
    running.whenComplete((ignored, failure) -> again(failure));
  }

  private void again(Throwable failure) {
    stopped();
    if (closed) {
      return;
    }
    if (failure != null) {
      LOG.warnf("Leader election for %s/%s ended: %s; competing again", namespace, lease, failure);
    }
    CompletableFuture.delayedExecutor(timing.retryPeriod().toMillis(), TimeUnit.MILLISECONDS)
        .execute(this::start);
  }

  private void started() {
    if (leading.compareAndSet(false, true)) {
      LOG.infof("Kubernetes mode: %s leads (Lease %s/%s)", identity, namespace, lease);
      lead.run();
    }
  }

  private void stopped() {
    if (leading.compareAndSet(true, false)) {
      LOG.infof("Kubernetes mode: %s no longer leads (Lease %s/%s)", identity, namespace, lease);
      standDown.run();
    }
  }

  private void observed(String leader) {
    if (!identity.equals(leader)) {
      LOG.infof(
          "Kubernetes mode: %s leads (Lease %s/%s); this instance stands by",
          leader, namespace, lease);
    }
  }

  /** Whether this instance leads now. */
  boolean leading() {
    return leading.get();
  }

  /** Stops competing and gives the Lease up, so a standby takes over at once. */
  @Override
  public void close() {
    CompletableFuture<?> running;
    synchronized (this) {
      closed = true;
      running = election;
    }
    if (running != null) {
      running.cancel(true);
    }
    stopped();
  }
}
