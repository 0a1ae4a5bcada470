package io.pledge.bench.verify;

/**
 * A commit that changed a resource's manifest.
 *
 * @param key the resource
 * @param generation the generation the new content carries
 * @param commit the commit's position in the branch's history, oldest first
 */
public record Write(String key, long generation, int commit) {}
