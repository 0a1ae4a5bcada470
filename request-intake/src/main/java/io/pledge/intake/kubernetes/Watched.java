package io.pledge.intake.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/** One informer and the API it watches; {@code promise} is null for the Promise informer. */
record Watched(
    String promise,
    ResourceDefinitionContext context,
    SharedIndexInformer<GenericKubernetesResource> informer) {}
