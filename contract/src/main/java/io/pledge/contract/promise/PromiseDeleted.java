package io.pledge.contract.promise;

/**
 * A Promise was deleted; the last record for its key on {@code pledge.promises}.
 *
 * @param name the Promise's name
 */
public record PromiseDeleted(String name) {}
