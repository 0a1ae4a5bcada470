package io.pledge.intake.dryrun;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.dryrun.DryRunCompleted;
import java.util.List;

/**
 * The answer of {@code POST /api/v1/apply?dryRun=true}: what the resource's configure workflow
 * rendered for the proposed document. Nothing of it was committed.
 *
 * @param dryRun always true, so the answer cannot be mistaken for an apply's
 * @param apiVersion the document's apiVersion
 * @param kind its kind
 * @param name its name
 * @param namespace its namespace
 * @param promise the Promise that offers its kind
 * @param generation the generation it would get if applied
 * @param outcome {@code succeeded}, or {@code suspended} when a pipeline asked to suspend or to be
 *     retried later ({@code failed} and {@code promise-unavailable} are problems, not this)
 * @param message the suspension's reason, if any
 * @param status the resource's status after the pipelines, each status.yaml merged as Kratix does
 * @param pipelines each pipeline that ran: its status.yaml, the Work it would produce (workload
 *     groups with destination selectors and files) and its containers' output
 * @param runnerMillis how long pipeline-runner took
 * @param elapsedMillis how long the whole dry run took, as this service saw it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DryRunResult(
    boolean dryRun,
    String apiVersion,
    String kind,
    String name,
    String namespace,
    String promise,
    long generation,
    String outcome,
    String message,
    JsonNode status,
    List<DryRunCompleted.Pipeline> pipelines,
    Long runnerMillis,
    long elapsedMillis) {}
