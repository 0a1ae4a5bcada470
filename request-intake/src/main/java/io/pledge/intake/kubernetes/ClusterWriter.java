package io.pledge.intake.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.pledge.contract.event.EventCodec;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * What Kubernetes mode writes to the cluster: object status, Pledge's finalizer, request CRDs. Each
 * write of an object goes at the resourceVersion the watcher's cache had: a concurrent change
 * answers 409 and the watcher retries with the newer object; an object deleted meanwhile (404)
 * needs no write.
 */
final class ClusterWriter {

  private static final Logger LOG = Logger.getLogger(ClusterWriter.class);

  private final KubernetesClient client;

  ClusterWriter(KubernetesClient client) {
    this.client = client;
  }

  /** Writes {@code status} into the object's status subresource; false when the object is gone. */
  boolean updateStatus(
      ResourceDefinitionContext context, GenericKubernetesResource obj, JsonNode status) {
    GenericKubernetesResource copy = copyOf(obj);
    copy.setAdditionalProperty("status", EventCodec.JSON.convertValue(status, Map.class));
    try {
      resource(context, copy).updateStatus();
      return true;
    } catch (KubernetesClientException e) {
      return notFound(e);
    }
  }

  /** Adds or removes Pledge's finalizer on the object. */
  void updateFinalizers(
      ResourceDefinitionContext context, GenericKubernetesResource obj, boolean add) {
    GenericKubernetesResource copy = copyOf(obj);
    copy.getMetadata()
        .setFinalizers(
            KubernetesObjects.withFinalizer(
                obj.getMetadata().getFinalizers(), KubernetesObjects.FINALIZER, add));
    try {
      resource(context, copy).update();
    } catch (KubernetesClientException e) {
      notFound(e);
    }
  }

  /** Creates or updates the request CRD of a Promise's {@code spec.api}, unless it is as wanted. */
  void installCrd(JsonNode api) {
    CustomResourceDefinition crd =
        EventCodec.JSON.convertValue(
            KubernetesObjects.requestCrd(api), CustomResourceDefinition.class);
    CustomResourceDefinition existing =
        client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .withName(crd.getMetadata().getName())
            .get();
    if (existing != null
        && KubernetesObjects.sameStatus(
            EventCodec.JSON.valueToTree(existing.getSpec()),
            EventCodec.JSON.valueToTree(crd.getSpec()))) {
      return;
    }
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .resource(crd)
        .createOr(NonDeletingOperation::update);
    LOG.infof("Installed the CRD %s", crd.getMetadata().getName());
  }

  /** Deletes the CRD of {@code context}'s kind (its objects with it); true once there is none. */
  boolean crdGone(ResourceDefinitionContext context) {
    var definition =
        client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .withName(context.getPlural() + "." + context.getGroup());
    if (definition.get() == null) {
      return true;
    }
    definition.delete();
    return false;
  }

  private Resource<GenericKubernetesResource> resource(
      ResourceDefinitionContext context, GenericKubernetesResource copy) {
    var resources = client.genericKubernetesResources(context);
    return context.isNamespaceScoped()
        ? resources.inNamespace(copy.getMetadata().getNamespace()).resource(copy)
        : resources.resource(copy);
  }

  /** A copy to change: the cached object is shared with the informer. */
  private static GenericKubernetesResource copyOf(GenericKubernetesResource obj) {
    return EventCodec.JSON.convertValue(
        EventCodec.JSON.valueToTree(obj), GenericKubernetesResource.class);
  }

  /** False for 404 (deleted meanwhile); any other failure is thrown for the watcher to retry. */
  private static boolean notFound(KubernetesClientException e) {
    if (e.getCode() == 404) {
      return false;
    }
    throw e;
  }
}
