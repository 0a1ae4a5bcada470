package io.pledge.writer.batch;

import io.pledge.contract.kratix.BucketStateStore;
import io.pledge.contract.kratix.Destination;
import io.pledge.contract.kratix.GitStateStore;
import io.pledge.writer.compound.ComponentSets;
import io.pledge.writer.destination.DestinationTable;
import io.pledge.writer.layout.EscapingPathException;
import io.pledge.writer.layout.StateStoreLayout;
import io.pledge.writer.store.StateStore;
import io.pledge.writer.store.StateStoreException;
import io.pledge.writer.stores.StateStores;

/** What the Destinations table says about a Destination's state store, folder and kind. */
final class StoreResolver {

  /** Opens the writer of a store document. */
  @FunctionalInterface
  interface Opener<D> {
    StateStore open(D document) throws StateStoreException;
  }

  private final DestinationTable destinations;
  private final Opener<GitStateStore> git;
  private final Opener<BucketStateStore> bucket;

  StoreResolver(DestinationTable destinations, StateStores stores) {
    this(destinations, stores::git, stores::bucket);
  }

  /** With writers of its own: planning is tested without a store behind them. */
  StoreResolver(
      DestinationTable destinations, Opener<GitStateStore> git, Opener<BucketStateStore> bucket) {
    this.destinations = destinations;
    this.git = git;
    this.bucket = bucket;
  }

  /** The state store a Destination writes into, and its folder there. */
  ResolvedStore resolve(String destinationName) throws StoreProblem {
    Destination destination =
        destinations
            .destination(destinationName)
            .orElseThrow(
                () -> new StoreProblem("Destination " + destinationName + " not found", false));
    Destination.StateStoreRef ref =
        destination.spec() == null ? null : destination.spec().stateStoreRef();
    if (ref == null || ref.name() == null) {
      throw new StoreProblem("Destination " + destinationName + " has no stateStoreRef", true);
    }
    String mode = destination.filepathMode();
    if (!Destination.NESTED_BY_METADATA.equals(mode)
        && !Destination.AGGREGATED_YAML.equals(mode)
        && !Destination.NONE.equals(mode)) {
      throw new StoreProblem(
          "Destination " + destinationName + ": unknown filepath mode " + mode, true);
    }
    String storeId = ref.kind() + "/" + ref.name();
    String storePath;
    StateStore writer;
    try {
      if (GitStateStore.class.getSimpleName().equals(ref.kind())) {
        GitStateStore document =
            destinations
                .gitStore(ref.name())
                .orElseThrow(() -> new StoreProblem(storeId + " not found", true));
        storePath = document.spec() == null ? null : document.spec().path();
        writer = git.open(document);
      } else if (BucketStateStore.class.getSimpleName().equals(ref.kind())) {
        BucketStateStore document =
            destinations
                .bucketStore(ref.name())
                .orElseThrow(() -> new StoreProblem(storeId + " not found", true));
        storePath = document.spec() == null ? null : document.spec().path();
        writer = bucket.open(document);
      } else {
        throw new StoreProblem(
            "Destination "
                + destinationName
                + ": unknown state store kind "
                + ref.kind()
                + " (GitStateStore or BucketStateStore)",
            true);
      }
    } catch (StateStoreException e) {
      throw new StoreProblem(e.getMessage(), true);
    }
    String destinationPath =
        destination.spec().path() == null || destination.spec().path().isBlank()
            ? destinationName
            : destination.spec().path();
    try {
      String normalisedStorePath = StateStoreLayout.normalise(storePath, "state store path");
      String root = StateStoreLayout.destinationRoot(storePath, destinationPath);
      String filename =
          destination.spec().filepath() == null ? null : destination.spec().filepath().filename();
      String aggregatedFile =
          Destination.AGGREGATED_YAML.equals(mode)
              ? StateStoreLayout.aggregatedFile(root, filename)
              : null;
      return new ResolvedStore(storeId, normalisedStorePath, root, mode, aggregatedFile, writer);
    } catch (EscapingPathException e) {
      throw new StoreProblem("Destination " + destinationName + ": " + e.getMessage(), true);
    }
  }

  /** {@code <Kind>/<name>} of the store a Destination names; null for an unknown one. */
  String storeIdOf(String destinationName) {
    return destinations
        .destination(destinationName)
        .map(Destination::spec)
        .map(Destination.Spec::stateStoreRef)
        .map(ref -> ref.kind() + "/" + ref.name())
        .orElse(null);
  }

  /** Whether {@code destination} (if known) aggregates its files into one. */
  boolean aggregates(String destination) {
    return destinations
        .destination(destination)
        .map(d -> Destination.AGGREGATED_YAML.equals(d.filepathMode()))
        .orElse(false);
  }

  /** Whether {@code destination} is a platform Destination (compound Promises). */
  boolean platform(String destination) {
    return ComponentSets.platform(destinations.destination(destination));
  }
}
