package io.pledge.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

@Command(
    mixinStandardHelpOptions = true,
    name = "describe",
    description = {
      "Show a request's status, or a platform object's spec and Ready condition.",
      "A request's conditions, pipelines, destinations and commits; a Destination's,",
      "state store's or policy's spec and Ready condition.",
      "  pledge describe <promise> <name> [-n namespace]",
      "  pledge describe destination|gitstatestore|bucketstatestore|notificationpolicy <name>"
    })
final class DescribeCommand implements Callable<Integer> {

  @ParentCommand PledgeCommand pledge;
  @Mixin ResourceArgs resource;

  private final CliContext context;

  DescribeCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws JsonProcessingException {
    Optional<PlatformKinds> platform = PlatformKinds.of(resource.promise);
    if (platform.isPresent()) {
      String path = "api/v1/" + platform.get().path + "/" + IntakeClient.path(resource.name);
      context.out().print(Describer.describePlatform(pledge.client().getJson(path)));
      return 0;
    }
    context
        .out()
        .print(Describer.describe(resource.promise, pledge.client().getJson(resource.path())));
    return 0;
  }
}
