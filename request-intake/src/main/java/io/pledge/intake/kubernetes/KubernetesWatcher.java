package io.pledge.intake.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.destination.DestinationApplied;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.kratix.CustomResourceDefinition.Version;
import io.pledge.intake.apply.ApplyService;
import io.pledge.intake.apply.Origin;
import io.pledge.intake.config.IntakeConfig;
import io.pledge.intake.problem.ProblemException;
import io.pledge.intake.telemetry.IntakeMetrics;
import io.pledge.intake.view.IntakeView;
import io.pledge.intake.view.PromiseEntry;
import io.pledge.intake.view.RequestState;
import io.pledge.intake.view.ViewReadiness;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
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

  private final IntakeConfig config;
  private final Instance<KubernetesClient> clients;
  private final ApplyService service;
  private final IntakeView view;
  private final ViewReadiness readiness;
  private final WatchedInformers informers = new WatchedInformers();
  private final StatusWriteBack status;
  private final Consumer<String> viewListener = this::viewChanged;
  private KubernetesClient client;
  private ClusterWriter writer;
  private volatile TaskQueue tasks;
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
    this.status =
        new StatusWriteBack(
            view, readiness, config.kubernetes().writeStatus(), informers, () -> writer);
  }

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
    tasks = new TaskQueue("intake-kubernetes", this::run, config.kubernetes().retryDelay());
    informers.open(client, this::handler);
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
    tasks.close();
    informers.close();
    LOG.info("Kubernetes mode: stopped watching");
  }

  /** How many status writes this instance made: what churn would show in. */
  public long statusWrites() {
    return status.writes();
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
    TaskQueue tasks = this.tasks;
    if (running && tasks != null) {
      tasks.queue(task, delay);
    }
  }

  private void run(String task) {
    String[] parts = task.split("\\|", 3);
    if (parts[0].equals("sync")) {
      sync(parts[1].isEmpty() ? null : parts[1], parts[2]);
    } else {
      status.write(parts[1]);
    }
  }

  // ---- objects in: apply or delete ----

  private void sync(String promise, String cacheKey) {
    if (promise != null && promise.startsWith(WatchedInformers.PLATFORM_MARK)) {
      syncPlatform(promise.substring(WatchedInformers.PLATFORM_MARK.length()), cacheKey);
      return;
    }
    Watched watched = promise == null ? informers.promises() : informers.requests(promise);
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
      informers.stopWatchingRequests(name);
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
      writer.updateFinalizers(WatchedInformers.PROMISES, obj, true);
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
    Watched requests = informers.requests(name);
    if (requests != null) {
      if (config.kubernetes().installCrds() && !writer.crdGone(requests.context())) {
        throw new RetryLater(); // its objects are going; each is released as it goes
      }
      if (!config.kubernetes().installCrds()) {
        releaseRequestObjects(name, requests);
      }
      informers.stopWatchingRequests(name);
    }
    writer.updateFinalizers(WatchedInformers.PROMISES, obj, false);
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
    Watched watched = informers.promises();
    GenericKubernetesResource obj =
        watched == null ? null : watched.informer().getStore().getByKey(promise);
    return obj != null && obj.getMetadata().getDeletionTimestamp() != null;
  }

  /** A Destination or state store: applied like one sent to the API, deleted when it is gone. */
  private void syncPlatform(String kind, String name) {
    Watched watched = informers.platform(kind);
    if (watched == null) {
      throw new RetryLater();
    }
    GenericKubernetesResource obj = watched.informer().getStore().getByKey(name);
    String key = DestinationApplied.key(kind, name);
    if (obj == null || obj.getMetadata().getDeletionTimestamp() != null) {
      status.accepted(key);
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
      status.accepted(key.toString());
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
    Watched watched = informers.requests(promise);
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
      status.accepted(key);
      return true;
    } catch (ProblemException e) {
      retryIfUnavailable(e);
      metrics.request(IntakeMetrics.KUBERNETES, e.problem().status());
      LOG.infof("Object %s rejected: %s", key, e.getMessage());
      status.rejected(key, EventCodec.JSON.valueToTree(e.problem()));
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
    if (informers.watchingRequests(promise.name(), context)) {
      return;
    }
    if (config.kubernetes().installCrds()) {
      writer.installCrd(promise.document().path("spec").path("api"));
    }
    informers.watchRequests(client, promise.name(), context, handler(promise.name()));
    LOG.infof(
        "Kubernetes mode: watching %s.%s/%s of Promise %s",
        api.plural(), api.group(), version.get().name(), promise.name());
  }

  private static void withContext(String key, Runnable work) {
    MDC.put("key", key);
    try {
      work.run();
    } finally {
      MDC.remove("key");
    }
  }
}
