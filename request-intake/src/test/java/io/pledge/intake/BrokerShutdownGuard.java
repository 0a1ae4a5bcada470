package io.pledge.intake;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;
import org.apache.kafka.common.utils.Exit;

/**
 * Keeps the in-process broker from halting the test JVM at exit. Kafka's test kit deletes its
 * temporary directories in a shutdown hook that races with the broker's own shutdown; a broker that
 * then finds its log directory gone calls {@code Exit.halt(1)}, and surefire reports the fork as
 * crashed although every test passed. Wanted in testkit's EmbeddedKafka instead.
 */
public class BrokerShutdownGuard implements QuarkusTestResourceLifecycleManager {

  /** Makes Kafka's halt and exit calls no-ops for this class loader's broker. */
  public static void install() {
    Exit.setHaltProcedure((code, message) -> {});
    Exit.setExitProcedure((code, message) -> {});
  }

  @Override
  public Map<String, String> start() {
    install();
    return Map.of();
  }

  @Override
  public void stop() {
    // the broker outlives the application; the guard stays for the JVM's shutdown
  }
}
