package io.pledge.cli;

/**
 * A command that only groups subcommands ({@code pledge init}, {@code update}, ...): called alone,
 * it prints its usage.
 */
abstract class CommandGroup implements Runnable {

  protected final CliContext context;

  CommandGroup(CliContext context) {
    this.context = context;
  }

  @Override
  public void run() {
    new picocli.CommandLine(this).usage(context.out());
  }
}
