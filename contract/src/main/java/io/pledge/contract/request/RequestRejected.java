package io.pledge.contract.request;

/**
 * An inbound request was rejected; the event's {@code correlationid} is the inbound event's id.
 *
 * @param key the resource key, when the document named one
 * @param problem the RFC 7807 problem, the same the REST API would answer
 */
public record RequestRejected(String key, Problem problem) {}
