package io.pledge.intake.view;

import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * How far the resource owner has folded its inputs into {@code pledge.resources}, as the view's
 * readiness needs to know it. The owner (in {@code resources}) implements it, so that the view
 * depends on this and not on the owner, which reads the view.
 */
public interface FoldProgress {

  /**
   * Once the owner runs and has folded what its inputs held at start-up: the offsets of {@code
   * pledge.resources} a reader must reach to see all of it.
   */
  Optional<Map<TopicPartition, Long>> foldedEnds();

  /** True unless the owner stopped or failed; a rebalance does not count against it. */
  boolean alive();
}
