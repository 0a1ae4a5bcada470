package io.pledge.intake.apply;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.notification.NotificationPolicyApplied;
import io.pledge.intake.view.PolicyEntry;
import io.pledge.intake.view.PromiseEntry;

/** What applying one document changes; {@link Outcome#UNCHANGED} changes publish nothing. */
public sealed interface Change {

  Outcome outcome();

  AppliedObject summary();

  /** A Promise at a (possibly new) generation. */
  record PromiseChange(PromiseEntry entry, Outcome outcome) implements Change {
    @Override
    public AppliedObject summary() {
      return new AppliedObject("Promise", entry.name(), null, entry.generation(), outcome);
    }
  }

  /** A Destination, GitStateStore or BucketStateStore. */
  record DestinationChange(String kind, String name, JsonNode document, Outcome outcome)
      implements Change {
    @Override
    public AppliedObject summary() {
      return new AppliedObject(kind, name, null, null, outcome);
    }
  }

  /** A NotificationPolicy at a (possibly new) generation. */
  record PolicyChange(PolicyEntry entry, Outcome outcome) implements Change {
    @Override
    public AppliedObject summary() {
      return new AppliedObject(
          NotificationPolicyApplied.KIND, entry.name(), null, entry.generation(), outcome);
    }
  }

  /** A resource request, validated, with defaults applied. */
  record RequestChange(
      ResourceKey key, long generation, String specHash, JsonNode resource, Outcome outcome)
      implements Change {
    @Override
    public AppliedObject summary() {
      return new AppliedObject(
          resource.path("kind").asText(), key.name(), key.namespace(), generation, outcome);
    }
  }
}
