package io.pledge.contract.work;

import java.util.Map;

/**
 * Equality label selector for Destinations.
 *
 * @param matchLabels every label must be present on the Destination with this value
 * @param source {@code resource-workflow}, {@code promise-workflow} or {@code promise}; later
 *     sources win on key conflicts, in that order
 */
public record DestinationSelector(Map<String, String> matchLabels, String source) {
  public static final String RESOURCE_WORKFLOW = "resource-workflow";
  public static final String PROMISE_WORKFLOW = "promise-workflow";
  public static final String PROMISE = "promise";
}
