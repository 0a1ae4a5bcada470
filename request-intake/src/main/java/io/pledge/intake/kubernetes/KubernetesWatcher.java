package io.pledge.intake.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.destination.DestinationApplied;
import io.pledge.contract.destination.DestinationReadiness;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.kratix.CustomResourceDefinition.Version;
import io.pledge.intake.IntakeConfig;
import io.pledge.intake.apply.ApplyService;
import io.pledge.intake.apply.Origin;
import io.pledge.intake.problem.ProblemException;
import io.pledge.intake.telemetry.IntakeMetrics;
import io.pledge.intake.view.IntakeView;
import io.pledge.intake.view.PromiseEntry;
import io.pledge.intake.view.PromiseRequirements;
import io.pledge.intake.view.ReadinessStatus;
import io.pledge.intake.view.RequestState;
import io.pledge.intake.view.StatusRenderer;
import io.pledge.intake.view.ViewReadiness;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Kubernetes mode: Kratix Promise objects and the request objects of each Promise's API, watched
 * with informers, go through the same apply and delete path as the REST API; the folded status goes
 * back into each object's {@code status} subresource, only when it differs from what the object
 * already shows (no write churn, cf. kratix#743).
 *
 * <p>Level-triggered, like a controller: an informer event only queues the object's cache key; one
 * worker thread reads the object as it is now and applies it, or deletes it when it is gone. While
 * the service cannot take writes (tables still being read, or the resource owner down) the key is
 * retried after {@code retry-delay}. Nothing here runs, and no client is created, unless {@code
 * pledge.intake.kubernetes.enabled}.
 */
@ApplicationScoped
public class KubernetesWatcher {

  private static final Logger LOG = Logger.getLogger(KubernetesWatcher.class);

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
  private static final String PLATFORM_MARK = "@";

  private final IntakeConfig config;
  private final Instance<KubernetesClient> clients;
  private final ApplyService service;
  private final IntakeView view;
  private final ViewReadiness readiness;
  private final Map<String, Watched> requestInformers = new ConcurrentHashMap<>();
  private final Map<String, Watched> platformInformers = new ConcurrentHashMap<>();
  private final Map<String, JsonNode> rejections = new ConcurrentHashMap<>();
  private final Set<String> queued = ConcurrentHashMap.newKeySet();
  private final AtomicLong statusWrites = new AtomicLong();
  private final Consumer<String> viewListener = this::viewChanged;
  private KubernetesClient client;
  private ClusterWriter writer;
  private volatile Watched promises;
  private ScheduledExecutorService worker;
  private volatile boolean running;
  private KubernetesLeadership leadership;

  @jakarta.inject.Inject IntakeMetrics metrics;

  KubernetesWatcher(
      IntakeConfig config,
      Instance<KubernetesClient> clients,
      ApplyService service,
      IntakeView view,
      ViewReadiness readiness) {
    this.config = config;
    this.clients = clients;
    this.service = service;
    this.view = view;
    this.readiness = readiness;
  }

  /** One informer and the API it watches; {@code promise} is null for the Promise informer. */
  private record Watched(
      String promise,
      ResourceDefinitionContext context,
      SharedIndexInformer<GenericKubernetesResource> informer) {}

  void start(@Observes StartupEvent ignored) {
    if (!config.kubernetes().enabled()) {
      return;
    }
    client = clients.get();
    writer = new ClusterWriter(client);
    IntakeConfig.LeaderElection election = config.kubernetes().leaderElection();
    if (!election.enabled()) {
      lead();
      return;
    }
    leadership =
        new KubernetesLeadership(
            client,
            election
                .namespace()
                .orElseGet(() -> Objects.requireNonNullElse(client.getNamespace(), "default")),
            election.lease(),
            identity(),
            new KubernetesLeadership.Timing(
                election.leaseDuration(), election.renewDeadline(), election.retryPeriod()),
            this::lead,
            this::standDown);
    leadership.start();
  }

  void stop(@Observes ShutdownEvent ignored) {
    if (leadership != null) {
      leadership.close(); // gives the Lease up: a standby takes over without waiting for it
    }
    standDown();
  }

  /** The pod's name (HOSTNAME in a pod) and a random part, unique per process. */
  private static String identity() {
    String host = Objects.requireNonNullElse(System.getenv("HOSTNAME"), "request-intake");
    return host + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Starts watching: this replica leads. */
  private synchronized void lead() {
    if (running) {
      return;
    }
    running = true;
    worker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "intake-kubernetes");
              t.setDaemon(true);
              return t;
            });
    promises =
        new Watched(
            null, PROMISES, client.genericKubernetesResources(PROMISES).inform(handler(null), 0));
    PLATFORM.forEach(
        (kind, context) ->
            platformInformers.put(
                kind,
                new Watched(
                    PLATFORM_MARK + kind,
                    context,
                    client
                        .genericKubernetesResources(context)
                        .inform(handler(PLATFORM_MARK + kind), 0))));
    view.addListener(viewListener);
    LOG.infof(
        "Kubernetes mode: watching Promises, Destinations and state stores on %s",
        client.getMasterUrl());
  }

  /** Stops watching: another replica leads, or this one shuts down. */
  private synchronized void standDown() {
    if (!running) {
      return;
    }
    running = false;
    view.removeListener(viewListener);
    worker.shutdownNow();
    requestInformers.values().forEach(w -> w.informer().stop());
    requestInformers.clear();
    platformInformers.values().forEach(w -> w.informer().stop());
    platformInformers.clear();
    if (promises != null && promises.informer() != null) {
      promises.informer().stop();
    }
    promises = null;
    queued.clear();
    LOG.info("Kubernetes mode: stopped watching");
  }

  /** How many status writes this instance made: what churn would show in. */
  public long statusWrites() {
    return statusWrites.get();
  }

  private ResourceEventHandler<GenericKubernetesResource> handler(String promise) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(GenericKubernetesResource obj) {
        queueSync(promise, obj);
      }

      @Override
      public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource obj) {
        queueSync(promise, obj);
      }

      @Override
      public void onDelete(GenericKubernetesResource obj, boolean finalStateUnknown) {
        queueSync(promise, obj);
      }
    };
  }

  private void queueSync(String promise, GenericKubernetesResource obj) {
    String cacheKey =
        KubernetesObjects.cacheKey(obj.getMetadata().getNamespace(), obj.getMetadata().getName());
    queue("sync|" + (promise == null ? "" : promise) + "|" + cacheKey, Duration.ZERO);
  }

  /** A view change: the status of a resource or Promise may have to be written back. */
  private void viewChanged(String key) {
    queue("status|" + key, Duration.ZERO);
  }

  /** Queues a task once; a task already waiting covers a later change of the same object. */
  private void queue(String task, Duration delay) {
    if (!running || !queued.add(task)) {
      return;
    }
    worker.schedule(
        () -> {
          queued.remove(task);
          run(task);
        },
        delay.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void run(String task) {
    String[] parts = task.split("\\|", 3);
    try {
      if (parts[0].equals("sync")) {
        sync(parts[1].isEmpty() ? null : parts[1], parts[2]);
      } else {
        writeStatus(parts[1]);
      }
    } catch (RetryLater e) {
      queue(task, config.kubernetes().retryDelay());
    } catch (KubernetesClientException e) {
      LOG.warnf("Kubernetes call for %s failed, retrying: %s", task, e.getMessage());
      queue(task, config.kubernetes().retryDelay());
    } catch (RuntimeException e) {
      LOG.errorf(e, "Kubernetes task %s failed", task);
    }
  }

  // ---- objects in: apply or delete ----

  private void sync(String promise, String cacheKey) {
    if (promise != null && promise.startsWith(PLATFORM_MARK)) {
      syncPlatform(promise.substring(PLATFORM_MARK.length()), cacheKey);
      return;
    }
    Watched watched = promise == null ? promises : requestInformers.get(promise);
    if (watched == null && promise == null) {
      throw new RetryLater(); // an event from the informer before inform() returned
    }
    if (watched == null) {
      return; // the Promise's API changed meanwhile; its new informer lists the object again
    }
    GenericKubernetesResource obj = watched.informer().getStore().getByKey(cacheKey);
    if (promise == null) {
      syncPromise(cacheKey, obj);
    } else {
      syncRequest(promise, cacheKey, obj);
    }
  }

  private void syncPromise(String name, GenericKubernetesResource obj) {
    if (obj == null) {
      // Gone without Pledge's finalizer (finalizers off, or removed by hand): nothing to hold it
      // for; the request informer stops and the Promise stays applied in Pledge.
      stopWatchingRequests(name);
      if (view.promise(name).isPresent()) {
        LOG.warnf("Promise %s was deleted from the cluster; it stays applied in Pledge", name);
      }
      return;
    }
    if (obj.getMetadata().getDeletionTimestamp() != null) {
      if (KubernetesObjects.hasFinalizer(obj, KubernetesObjects.FINALIZER)) {
        withContext(name, () -> deletePromise(name, obj));
      }
      return;
    }
    if (config.kubernetes().finalizers()
        && !KubernetesObjects.hasFinalizer(obj, KubernetesObjects.FINALIZER)) {
      writer.updateFinalizers(PROMISES, obj, true);
      return; // the update comes back as an event
    }
    JsonNode doc = KubernetesObjects.document(EventCodec.JSON.valueToTree(obj));
    if (apply(name, doc)) {
      view.promise(name).ifPresent(this::watchRequests);
    }
    queue("status|" + name, Duration.ZERO); // a refused Promise shows why in its status
  }

  /**
   * A Promise object being deleted, held by Pledge's finalizer, goes as Kratix's does: Pledge
   * deletes the Promise and its requests (their delete workflows run), then the request CRD that
   * intake installed is deleted, which deletes the request objects (each released by {@link
   * #syncRequest} once Pledge has deleted it), and only then is the Promise object released. Each
   * step that is not done yet retries the task.
   */
  private void deletePromise(String name, GenericKubernetesResource obj) {
    if (view.promise(name).isPresent()) {
      try {
        service.deletePromise(name, origin());
        LOG.infof("Promise %s deleted on the cluster", name);
      } catch (ProblemException e) {
        retryIfUnavailable(e);
        if (e.problem().status() != 404) {
          LOG.warnf("Delete of Promise %s not taken: %s", name, e.getMessage());
          throw new RetryLater();
        }
      }
    }
    boolean requestsLeft = view.requests(null, name).stream().anyMatch(r -> view.exists(r.key()));
    if (view.promise(name).isPresent() || requestsLeft) {
      throw new RetryLater(); // the requests' delete workflows are still running
    }
    Watched requests = requestInformers.get(name);
    if (requests != null) {
      if (config.kubernetes().installCrds() && !writer.crdGone(requests.context())) {
        throw new RetryLater(); // its objects are going; each is released as it goes
      }
      if (!config.kubernetes().installCrds()) {
        releaseRequestObjects(name, requests);
      }
      stopWatchingRequests(name);
    }
    writer.updateFinalizers(PROMISES, obj, false);
  }

  /** A CRD intake did not install stays; its objects lose Pledge's finalizer. */
  private void releaseRequestObjects(String promise, Watched requests) {
    for (GenericKubernetesResource object : requests.informer().getStore().list()) {
      if (KubernetesObjects.hasFinalizer(object, KubernetesObjects.FINALIZER)) {
        updateRequestFinalizers(promise, object, false);
      }
    }
  }

  private boolean promiseBeingDeleted(String promise) {
    Watched watched = promises;
    GenericKubernetesResource obj =
        watched == null ? null : watched.informer().getStore().getByKey(promise);
    return obj != null && obj.getMetadata().getDeletionTimestamp() != null;
  }

  private void stopWatchingRequests(String promise) {
    Watched old = requestInformers.remove(promise);
    if (old != null) {
      old.informer().stop();
    }
  }

  /** A Destination or state store: applied like one sent to the API, deleted when it is gone. */
  private void syncPlatform(String kind, String name) {
    Watched watched = platformInformers.get(kind);
    if (watched == null) {
      throw new RetryLater();
    }
    GenericKubernetesResource obj = watched.informer().getStore().getByKey(name);
    String key = DestinationApplied.key(kind, name);
    if (obj == null || obj.getMetadata().getDeletionTimestamp() != null) {
      rejections.remove(key);
      if (view.destination(key).isPresent()) {
        withContext(key, () -> deletePlatformObject(kind, name));
      }
      return;
    }
    apply(key, KubernetesObjects.document(EventCodec.JSON.valueToTree(obj)));
    queue("status|" + key, Duration.ZERO);
  }

  private void deletePlatformObject(String kind, String name) {
    try {
      service.deleteDestination(kind, name, origin());
      LOG.infof("%s %s deleted on the cluster", kind, name);
    } catch (ProblemException e) {
      retryIfUnavailable(e);
      // e.g. a state store a Destination still uses: it stays in Pledge until that one goes
      LOG.warnf("Delete of %s %s not taken: %s", kind, name, e.getMessage());
    }
  }

  private void syncRequest(String promise, String cacheKey, GenericKubernetesResource obj) {
    String[] nsName = cacheKey.split("/", 2);
    ResourceKey key = new ResourceKey(nsName[0], promise, nsName[1]);
    if (obj == null || obj.getMetadata().getDeletionTimestamp() != null) {
      rejections.remove(key.toString());
      if (view.exists(key) && !view.request(key).map(RequestState::deleted).orElse(true)) {
        withContext(key.toString(), () -> deleteRequest(key));
      }
      if (obj != null && KubernetesObjects.hasFinalizer(obj, KubernetesObjects.FINALIZER)) {
        if (view.exists(key)) {
          throw new RetryLater(); // its delete workflow or file removal is still under way
        }
        updateRequestFinalizers(promise, obj, false);
        LOG.infof("Request %s deleted in Pledge; its object may go", key);
      }
      return;
    }
    if (promiseBeingDeleted(promise)) {
      return; // Pledge deletes its requests; the request CRD and its objects go next
    }
    if (config.kubernetes().finalizers()
        && !KubernetesObjects.hasFinalizer(obj, KubernetesObjects.FINALIZER)) {
      // Before the apply: once Pledge has the request, the object cannot go unnoticed.
      updateRequestFinalizers(promise, obj, true);
      return; // the update comes back as an event, with the object as it is now
    }
    JsonNode doc = KubernetesObjects.document(EventCodec.JSON.valueToTree(obj));
    apply(key.toString(), doc);
    queue("status|" + key, Duration.ZERO);
  }

  /** Adds or removes Pledge's finalizer on a request object of {@code promise}. */
  private void updateRequestFinalizers(String promise, GenericKubernetesResource obj, boolean add) {
    Watched watched = requestInformers.get(promise);
    if (watched == null) {
      throw new RetryLater();
    }
    writer.updateFinalizers(watched.context(), obj, add);
  }

  private void deleteRequest(ResourceKey key) {
    try {
      service.delete(key, origin());
      LOG.infof("Request %s deleted on the cluster", key);
    } catch (ProblemException e) {
      retryIfUnavailable(e);
      LOG.infof("Delete of %s not taken: %s", key, e.getMessage());
    }
  }

  /** Applies one document; true when it was taken. A rejection is kept for the status. */
  private boolean apply(String key, JsonNode doc) {
    MDC.put("key", key);
    try {
      service.apply(List.of(doc), origin());
      metrics.request(IntakeMetrics.KUBERNETES, 200);
      rejections.remove(key);
      return true;
    } catch (ProblemException e) {
      retryIfUnavailable(e);
      metrics.request(IntakeMetrics.KUBERNETES, e.problem().status());
      LOG.infof("Object %s rejected: %s", key, e.getMessage());
      rejections.put(key, EventCodec.JSON.valueToTree(e.problem()));
      return false;
    } finally {
      MDC.remove("key");
    }
  }

  private static void retryIfUnavailable(ProblemException e) {
    if (e.problem().status() == 503) {
      throw new RetryLater();
    }
  }

  private Origin origin() {
    return Origin.rest(config.kubernetes().requester());
  }

  /** Installs the Promise's request CRD (when configured) and watches its request objects. */
  private void watchRequests(PromiseEntry promise) {
    if (promise.api().isEmpty()) {
      return;
    }
    io.pledge.contract.kratix.CustomResourceDefinition api = promise.api().get();
    Optional<Version> version = api.storageVersion();
    if (version.isEmpty() || api.group() == null || api.kind() == null) {
      return;
    }
    ResourceDefinitionContext context =
        new ResourceDefinitionContext.Builder()
            .withGroup(api.group())
            .withVersion(version.get().name())
            .withKind(api.kind())
            .withPlural(api.plural())
            .withNamespaced(!api.clusterScoped())
            .build();
    Watched current = requestInformers.get(promise.name());
    if (current != null && sameApi(current.context(), context)) {
      return;
    }
    if (config.kubernetes().installCrds()) {
      writer.installCrd(promise.document().path("spec").path("api"));
    }
    if (current != null) {
      current.informer().stop();
    }
    SharedIndexInformer<GenericKubernetesResource> informer =
        client
            .genericKubernetesResources(context)
            .inAnyNamespace()
            .inform(handler(promise.name()), 0);
    requestInformers.put(promise.name(), new Watched(promise.name(), context, informer));
    LOG.infof(
        "Kubernetes mode: watching %s.%s/%s of Promise %s",
        api.plural(), api.group(), version.get().name(), promise.name());
  }

  private static boolean sameApi(ResourceDefinitionContext a, ResourceDefinitionContext b) {
    return a.getGroup().equals(b.getGroup())
        && a.getVersion().equals(b.getVersion())
        && a.getPlural().equals(b.getPlural())
        && a.isNamespaceScoped() == b.isNamespaceScoped();
  }

  // ---- status out ----

  private void writeStatus(String key) {
    if (!config.kubernetes().writeStatus()) {
      return;
    }
    if (!readiness.ready()) {
      throw new RetryLater(); // a half-replayed view would write a status from the past
    }
    if (!ResourceKey.isResourceKey(key)) {
      int slash = key.indexOf('/');
      writePlatformStatus(
          slash < 0 ? DestinationApplied.DESTINATION : key.substring(0, slash),
          key.substring(slash + 1));
      if (slash >= 0) {
        return; // a state store
      }
    }
    Watched watched;
    String cacheKey;
    JsonNode desired;
    if (ResourceKey.isResourceKey(key)) {
      ResourceKey resource = ResourceKey.parse(key);
      watched = requestInformers.get(resource.promise());
      cacheKey = KubernetesObjects.cacheKey(resource.namespace(), resource.name());
      Optional<RequestState> request = view.request(resource).filter(r -> view.exists(resource));
      desired =
          request
              .map(r -> StatusRenderer.resource(r, view.status(key).orElse(null)).get("status"))
              .orElse(null);
    } else {
      watched = promises;
      cacheKey = key;
      desired =
          view.promise(key)
              .map(
                  p ->
                      StatusRenderer.promise(
                              p, view.status(key).orElse(null), PromiseRequirements.of(p, view))
                          .get("status"))
              .orElse(null);
    }
    if (watched == null) {
      return;
    }
    GenericKubernetesResource obj = watched.informer().getStore().getByKey(cacheKey);
    if (obj == null || obj.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    JsonNode rejection = rejections.get(key);
    if (rejection != null) {
      ObjectNode withRejection =
          desired == null ? EventCodec.JSON.createObjectNode() : (ObjectNode) desired.deepCopy();
      withRejection.put("message", "Rejected: " + rejection.path("detail").asText());
      withRejection.withObjectProperty("pledge").set("rejection", rejection);
      desired = withRejection;
    }
    if (desired == null) {
      return;
    }
    updateStatus(key, watched, obj, desired);
  }

  /**
   * A Destination's or state store's Ready condition, as state-writer last found it; when Pledge
   * refused the object, a Ready condition that says why.
   */
  private void writePlatformStatus(String kind, String name) {
    Watched watched = platformInformers.get(kind);
    GenericKubernetesResource obj =
        watched == null ? null : watched.informer().getStore().getByKey(name);
    if (obj == null || obj.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    String key = DestinationApplied.key(kind, name);
    JsonNode rejection = rejections.get(key);
    Optional<DestinationReadiness> readiness =
        rejection == null
            ? view.readiness(key)
            : Optional.of(
                new DestinationReadiness(
                    kind,
                    name,
                    obj.getMetadata().getGeneration() == null
                        ? 0
                        : obj.getMetadata().getGeneration(),
                    false,
                    "Rejected",
                    KubernetesObjects.rejectionMessage(rejection),
                    rejectedSince(obj)));
    if (readiness.isPresent()) {
      updateStatus(key, watched, obj, ReadinessStatus.status(readiness.get()));
    }
  }

  /**
   * When the object's Ready condition turned False, so that writing the same rejection again
   * changes nothing (no write churn); now when it was not False before.
   */
  private static Instant rejectedSince(GenericKubernetesResource obj) {
    JsonNode conditions =
        EventCodec.JSON.valueToTree(obj.getAdditionalProperties().get("status")).path("conditions");
    for (JsonNode c : conditions) {
      if ("Ready".equals(c.path("type").asText()) && "False".equals(c.path("status").asText())) {
        try {
          return Instant.parse(c.path("lastTransitionTime").asText());
        } catch (java.time.format.DateTimeParseException e) {
          break;
        }
      }
    }
    return Instant.now();
  }

  /** Writes {@code desired} into the object's status subresource unless it already shows it. */
  private void updateStatus(
      String key, Watched watched, GenericKubernetesResource obj, JsonNode desired) {
    JsonNode current = EventCodec.JSON.valueToTree(obj.getAdditionalProperties().get("status"));
    if (KubernetesObjects.sameStatus(current, desired)) {
      return;
    }
    if (writer.updateStatus(watched.context(), obj, desired)) {
      statusWrites.incrementAndGet();
      LOG.debugf("Wrote the status of %s: %s", key, desired.path("message").asText());
    }
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

  private static void withContext(String key, Runnable work) {
    MDC.put("key", key);
    try {
      work.run();
    } finally {
      MDC.remove("key");
    }
  }

  /** The service cannot take the change yet; the task is queued again after a delay. */
  private static final class RetryLater extends RuntimeException {
    RetryLater() {
      super(null, null, false, false);
    }
  }
}
