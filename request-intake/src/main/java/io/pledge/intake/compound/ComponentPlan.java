package io.pledge.intake.compound;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;
import java.util.List;

/**
 * What one component set asks of intake: apply {@code documents} (labelled as the parent's, every
 * one valid or none applied), then delete what the set held before and no longer does.
 *
 * @param documents the requests (and, from a Promise's own Works, Promises), labelled
 * @param staleRequests requests of this set that it no longer holds
 * @param stalePromises Promises of this set that it no longer holds
 */
public record ComponentPlan(
    List<JsonNode> documents, List<ResourceKey> staleRequests, List<String> stalePromises) {}
