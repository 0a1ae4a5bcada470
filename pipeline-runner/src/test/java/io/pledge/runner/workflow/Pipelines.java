package io.pledge.runner.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.kratix.ObjectMeta;
import io.pledge.contract.kratix.Pipeline;
import io.pledge.contract.kratix.Promise;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Builds pipelines and Promises for tests. */
final class Pipelines {

  static Pipeline.Container container(String name, String image) {
    return new Pipeline.Container(name, image, null, null, null, null);
  }

  static Pipeline pipeline(String name, Integer backoffLimit, Pipeline.Container... containers) {
    return new Pipeline(
        KratixDocuments.API_VERSION,
        "Pipeline",
        new ObjectMeta(name, null, Map.of(), null, null),
        new Pipeline.Spec(
            Arrays.asList(containers),
            null,
            null,
            null,
            backoffLimit == null ? null : new Pipeline.JobOptions(backoffLimit),
            null,
            null,
            null));
  }

  static JsonNode yaml(String text) {
    return KratixDocuments.readAll(text).get(0);
  }

  static Promise promise(String text) {
    return KratixDocuments.convert(yaml(text), Promise.class);
  }

  static List<String> lines(String text) {
    return List.of(text.split("\n"));
  }

  private Pipelines() {}
}
