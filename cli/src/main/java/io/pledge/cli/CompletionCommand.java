package io.pledge.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    mixinStandardHelpOptions = true,
    name = "completion",
    description = {
      "Print a completion script for bash or zsh, as kubectl completion does.",
      "  source <(pledge completion bash)"
    })
final class CompletionCommand implements Callable<Integer> {

  @Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "bash|zsh", description = "the shell")
  String shell;

  private final CliContext context;

  CompletionCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    if (!shell.equals("bash") && !shell.equals("zsh")) {
      context.err().println("error: completion is for bash or zsh, not " + shell);
      return 2;
    }
    // picocli's script serves both: zsh runs it through bashcompinit.
    CommandLine root = spec.root().commandLine();
    context.out().print(AutoComplete.bash("pledge", root));
    return 0;
  }
}
