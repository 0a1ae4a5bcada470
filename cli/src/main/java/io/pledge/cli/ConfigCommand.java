package io.pledge.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code pledge config ...}: contexts in the config file, as kubectl config does with kubeconfig.
 */
@Command(
    mixinStandardHelpOptions = true,
    name = "config",
    description = {
      "Contexts (a server and a token, by name) in $PLEDGECONFIG, else ~/.pledge/config.",
      "--server and --token, then $PLEDGE_SERVER and $PLEDGE_TOKEN, win over the context."
    },
    subcommands = {
      ConfigCommand.SetContext.class,
      ConfigCommand.UseContext.class,
      ConfigCommand.GetContexts.class,
      ConfigCommand.CurrentContext.class
    })
final class ConfigCommand extends CommandGroup {

  @ParentCommand PledgeCommand pledge;

  ConfigCommand(CliContext context) {
    super(context);
  }

  Path file() {
    return CliConfig.location(context.env(), context.workDir());
  }

  @Command(
      mixinStandardHelpOptions = true,
      name = "set-context",
      description = "Add or change a context; the first one becomes the current one.")
  static final class SetContext implements Callable<Integer> {
    @ParentCommand ConfigCommand config;

    @Parameters(index = "0", paramLabel = "<name>")
    String name;

    @Option(names = "--server", required = true, description = "request-intake's URL")
    String server;

    @Option(names = "--token", description = "the bearer token")
    String token;

    @Override
    public Integer call() {
      CliConfig current = CliConfig.read(config.file());
      CliConfig next = current.with(new CliConfig.Context(name, server, token));
      if (current.currentContext() == null) {
        next = next.using(name);
      }
      next.write(config.file());
      config.context.out().println("Context \"" + name + "\" set.");
      return 0;
    }
  }

  @Command(
      mixinStandardHelpOptions = true,
      name = "use-context",
      description = "Make a context the current one.")
  static final class UseContext implements Callable<Integer> {
    @ParentCommand ConfigCommand config;

    @Parameters(index = "0", paramLabel = "<name>")
    String name;

    @Override
    public Integer call() {
      CliConfig current = CliConfig.read(config.file());
      if (current.context(name).isEmpty()) {
        config.context.err().println("error: no context exists with the name: \"" + name + "\"");
        return 1;
      }
      current.using(name).write(config.file());
      config.context.out().println("Switched to context \"" + name + "\".");
      return 0;
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "get-contexts", description = "List contexts.")
  static final class GetContexts implements Callable<Integer> {
    @ParentCommand ConfigCommand config;

    @Override
    public Integer call() {
      CliConfig current = CliConfig.read(config.file());
      Table table = new Table("CURRENT", "NAME", "SERVER");
      for (CliConfig.Context c : current.contexts()) {
        table.row(c.name().equals(current.currentContext()) ? "*" : "", c.name(), c.server());
      }
      config.context.out().print(table.render());
      return 0;
    }
  }

  @Command(
      mixinStandardHelpOptions = true,
      name = "current-context",
      description = "Print the current context's name.")
  static final class CurrentContext implements Callable<Integer> {
    @ParentCommand ConfigCommand config;

    @Override
    public Integer call() {
      String name = CliConfig.read(config.file()).currentContext();
      if (name == null) {
        config.context.err().println("error: current-context is not set");
        return 1;
      }
      config.context.out().println(name);
      return 0;
    }
  }
}
