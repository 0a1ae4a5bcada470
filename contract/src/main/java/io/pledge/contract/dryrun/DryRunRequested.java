package io.pledge.contract.dryrun;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;
import java.time.Instant;

/**
 * Asks pipeline-runner to run a resource's {@code resource.configure} workflow for a proposed
 * document with {@code KRATIX_DRY_RUN=true} and to answer with what it rendered, committing
 * nothing: no Work, no status, no logs on the normal topics. Any runner instance may answer; the
 * answer is a {@link DryRunCompleted} with the same {@link #correlationId()}.
 *
 * @param correlationId chosen by the asker, unique per dry run; the answer carries it back
 * @param key the resource key the document would have
 * @param generation the {@code metadata.generation} the document would get if it were applied
 * @param resource the document as a real apply would publish it: validated, schema defaults
 *     applied, {@code metadata.generation} set
 * @param requester who asked (for the runner's log), or null
 * @param deadline when the asker stops waiting: a runner that takes the request later drops it
 */
public record DryRunRequested(
    String correlationId,
    ResourceKey key,
    long generation,
    JsonNode resource,
    String requester,
    Instant deadline) {}
