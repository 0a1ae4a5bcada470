package io.pledge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
    mixinStandardHelpOptions = true,
    name = "delete",
    description = {
      "Delete a request, a Promise or another object by name, or every object of files.",
      "A request's delete workflow runs, then its files leave the state store. With -f,",
      "as kubectl delete -f does: requests, Promises, Destinations, state stores and",
      "policies, the last document first.",
      "  pledge delete <promise> <name> [-n namespace]",
      "  pledge delete promise|destination|gitstatestore|bucketstatestore|notificationpolicy <name>",
      "  pledge delete -f <file|dir|-> [-R]"
    })
final class DeleteCommand implements Callable<Integer> {

  @ParentCommand PledgeCommand pledge;

  @Parameters(index = "0", arity = "0..1", paramLabel = "<promise>", description = "the Promise")
  String promise;

  @Parameters(index = "1", arity = "0..1", paramLabel = "<name>", description = "the request")
  String name;

  @Option(
      names = {"-n", "--namespace"},
      defaultValue = "default",
      description = "the request's namespace (default: ${DEFAULT-VALUE})")
  String namespace;

  @Mixin ManifestFiles manifests;

  private final CliContext context;

  DeleteCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws IOException {
    boolean named = promise != null && name != null;
    if (named == manifests.given()) {
      context.err().println("error: give either <promise> <name> or -f <file>");
      return 2;
    }
    IntakeClient client = pledge.client();
    if (named) {
      // As get and describe take them: a Promise, a platform kind, else a Promise's requests.
      boolean isPromise = promise.equals("promise") || promise.equals("promises");
      Optional<PlatformKinds> platform = PlatformKinds.of(promise);
      String path =
          isPromise
              ? "api/v1/promises/" + IntakeClient.path(name)
              : platform
                  .map(k -> "api/v1/" + k.path + "/" + IntakeClient.path(name))
                  .orElse("api/v1/resources/" + IntakeClient.path(namespace, promise, name));
      client.delete(path);
      context.out().println(promise + " \"" + name + "\" deleted");
      return 0;
    }
    List<JsonNode> documents = manifests.documents(context);
    // Dependents are usually written after what they depend on: a request after its Promise, a
    // Destination after its store. The last document goes first.
    Collections.reverse(documents);
    ObjectPaths paths = new ObjectPaths(client, namespace);
    int failed = 0;
    for (JsonNode document : documents) {
      String what =
          document.path("kind").asText().toLowerCase(Locale.ROOT)
              + "/"
              + document.path("metadata").path("name").asText();
      Optional<String> path = paths.of(document);
      if (path.isEmpty()) {
        context.err().println("error: " + what + ": no Promise serves this kind");
        failed++;
        continue;
      }
      try {
        client.delete(path.get());
        context.out().println(what + " deleted");
      } catch (ApiException e) {
        // render() starts with "error: "; the object goes in front of the server's reason.
        context.err().println("error: " + what + ": " + e.render().substring("error: ".length()));
        failed++;
      }
    }
    return failed == 0 ? 0 : PledgeCommand.REFUSED;
  }
}
