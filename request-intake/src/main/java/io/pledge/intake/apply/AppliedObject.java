package io.pledge.intake.apply;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One line of an apply's answer.
 *
 * @param kind the document's kind
 * @param name its name
 * @param namespace its namespace (resource requests only)
 * @param generation its generation after the apply (Promises and resource requests)
 * @param outcome created, configured, unchanged, deleted or reconciling
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AppliedObject(
    String kind, String name, String namespace, Long generation, Outcome outcome) {}
