package io.pledge.writer.batch;

import io.pledge.writer.store.StateStore;

/**
 * A Destination's place in its state store.
 *
 * @param storeId {@code <Kind>/<name>}
 * @param storePath the store's own path prefix, normalised ({@code ""} for none)
 * @param root {@code <store.path>/<dest.path>}
 * @param mode the Destination's filepath mode
 * @param aggregatedFile the one file of an aggregatedYAML Destination, else null
 * @param writer writes the store
 */
record ResolvedStore(
    String storeId,
    String storePath,
    String root,
    String mode,
    String aggregatedFile,
    StateStore writer) {}
