package io.pledge.intake.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two intake replicas competing for the Lease on an API server (Fabric8's, in CRUD mode). */
@EnableKubernetesMockClient(crud = true)
class KubernetesLeadershipTest {

  static final KubernetesLeadership.Timing FAST =
      new KubernetesLeadership.Timing(
          Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofMillis(200));

  final List<KubernetesLeadership> started = new ArrayList<>();
  KubernetesClient client;

  /** One replica: how often it started and stopped leading. */
  final class Replica {
    final AtomicInteger leads = new AtomicInteger();
    final AtomicInteger standsDown = new AtomicInteger();
    final KubernetesLeadership leadership;

    Replica(String identity) {
      leadership =
          new KubernetesLeadership(
              client,
              "pledge",
              "pledge-request-intake",
              identity,
              FAST,
              leads::incrementAndGet,
              standsDown::incrementAndGet);
      started.add(leadership);
      leadership.start();
    }

    boolean leading() {
      return leadership.leading();
    }
  }

  @AfterEach
  void tearDown() {
    started.forEach(KubernetesLeadership::close);
  }

  @Test
  void oneReplicaLeadsAndTheOtherTakesOverWhenItStops() throws Exception {
    Replica first = new Replica("intake-a");
    await().atMost(Duration.ofSeconds(5)).until(first::leading);
    Replica second = new Replica("intake-b");

    // Several retry periods: the second never leads while the first renews.
    Thread.sleep(1_500);
    assertThat(second.leading()).isFalse();
    assertThat(second.leads).hasValue(0);
    assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("intake-a");

    first.leadership.close();

    assertThat(first.leading()).isFalse();
    assertThat(first.standsDown).hasValue(1);
    await().atMost(Duration.ofSeconds(5)).until(second::leading);
    assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("intake-b");
    assertThat(second.leads).hasValue(1);
  }

  @Test
  void aLeaderThatLosesTheLeaseStandsDownAndCompetesAgain() {
    Replica replica = new Replica("intake-a");
    await().atMost(Duration.ofSeconds(5)).until(replica::leading);

    // Another holder took the Lease (this replica was cut off too long, say) and then vanished.
    // Retried: the leader renews the Lease meanwhile, and an edit of an older version gets a 409.
    await()
        .atMost(Duration.ofSeconds(5))
        .ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .until(
            () -> {
              client
                  .leases()
                  .inNamespace("pledge")
                  .withName("pledge-request-intake")
                  .edit(
                      l -> {
                        l.getSpec().setHolderIdentity("intake-gone");
                        l.getSpec().setRenewTime(ZonedDateTime.now());
                        l.getSpec().setAcquireTime(ZonedDateTime.now());
                        return l;
                      });
              return true;
            });

    await().atMost(Duration.ofSeconds(5)).until(() -> replica.standsDown.get() == 1);
    // Once the vanished holder's Lease has run out, the replica leads again.
    await().atMost(Duration.ofSeconds(10)).until(() -> replica.leads.get() == 2);
    assertThat(replica.leading()).isTrue();
    assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("intake-a");
  }

  Lease lease() {
    return client.leases().inNamespace("pledge").withName("pledge-request-intake").get();
  }
}
