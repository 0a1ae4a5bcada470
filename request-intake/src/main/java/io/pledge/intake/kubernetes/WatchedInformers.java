package io.pledge.intake.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.pledge.contract.destination.DestinationApplied;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The informers of a leading replica: Promises, Destinations and state stores from the start, and
 * one per Promise for its request kind once the Promise is applied. Each informer's events name
 * their owner: null for Promises, {@link #PLATFORM_MARK} and the kind for Destinations and stores,
 * the Promise's name for its requests.
 */
final class WatchedInformers implements StatusWriteBack.Informers {

  static final ResourceDefinitionContext PROMISES =
      new ResourceDefinitionContext.Builder()
          .withGroup("platform.kratix.io")
          .withVersion("v1alpha1")
          .withKind("Promise")
          .withPlural("promises")
          .withNamespaced(false)
          .build();

  /**
   * Destinations and state stores, by kind: applied like Promises, their readiness written back.
   */
  static final Map<String, ResourceDefinitionContext> PLATFORM =
      Map.of(
          DestinationApplied.DESTINATION, platformKind("Destination", "destinations"),
          DestinationApplied.GIT_STATE_STORE, platformKind("GitStateStore", "gitstatestores"),
          DestinationApplied.BUCKET_STATE_STORE,
              platformKind("BucketStateStore", "bucketstatestores"));

  /** Marks the informer of a platform kind where a request informer has its Promise's name. */
  static final String PLATFORM_MARK = "@";

  private final Map<String, Watched> requests = new ConcurrentHashMap<>();
  private final Map<String, Watched> platform = new ConcurrentHashMap<>();
  private volatile Watched promises;

  /** Starts the Promise, Destination and state store informers. */
  void open(
      KubernetesClient client,
      Function<String, ResourceEventHandler<GenericKubernetesResource>> handlers) {
    promises =
        new Watched(
            null,
            PROMISES,
            client.genericKubernetesResources(PROMISES).inform(handlers.apply(null), 0));
    PLATFORM.forEach(
        (kind, context) ->
            platform.put(
                kind,
                new Watched(
                    PLATFORM_MARK + kind,
                    context,
                    client
                        .genericKubernetesResources(context)
                        .inform(handlers.apply(PLATFORM_MARK + kind), 0))));
  }

  /** Stops every informer. */
  void close() {
    requests.values().forEach(w -> w.informer().stop());
    requests.clear();
    platform.values().forEach(w -> w.informer().stop());
    platform.clear();
    if (promises != null && promises.informer() != null) {
      promises.informer().stop();
    }
    promises = null;
  }

  @Override
  public Watched promises() {
    return promises;
  }

  @Override
  public Watched requests(String promise) {
    return requests.get(promise);
  }

  @Override
  public Watched platform(String kind) {
    return platform.get(kind);
  }

  /** Whether {@code promise}'s requests are watched through {@code context} already. */
  boolean watchingRequests(String promise, ResourceDefinitionContext context) {
    Watched current = requests.get(promise);
    return current != null && sameApi(current.context(), context);
  }

  /** Watches {@code promise}'s requests through {@code context}, in place of any earlier API. */
  void watchRequests(
      KubernetesClient client,
      String promise,
      ResourceDefinitionContext context,
      ResourceEventHandler<GenericKubernetesResource> handler) {
    Watched current = requests.get(promise);
    if (current != null) {
      current.informer().stop();
    }
    SharedIndexInformer<GenericKubernetesResource> informer =
        client.genericKubernetesResources(context).inAnyNamespace().inform(handler, 0);
    requests.put(promise, new Watched(promise, context, informer));
  }

  void stopWatchingRequests(String promise) {
    Watched old = requests.remove(promise);
    if (old != null) {
      old.informer().stop();
    }
  }

  private static boolean sameApi(ResourceDefinitionContext a, ResourceDefinitionContext b) {
    return a.getGroup().equals(b.getGroup())
        && a.getVersion().equals(b.getVersion())
        && a.getPlural().equals(b.getPlural())
        && a.isNamespaceScoped() == b.isNamespaceScoped();
  }

  private static ResourceDefinitionContext platformKind(String kind, String plural) {
    return new ResourceDefinitionContext.Builder()
        .withGroup("platform.kratix.io")
        .withVersion("v1alpha1")
        .withKind(kind)
        .withPlural(plural)
        .withNamespaced(false)
        .build();
  }
}
