package io.pledge.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pledge}: talks to request-intake's REST API like kubectl talks to the API server. Exit
 * codes: 0 done, 1 the server refused or the resource failed, 2 wrong usage, 3 the server could not
 * be reached.
 */
@Command(
    name = "pledge",
    mixinStandardHelpOptions = true,
    version = "pledge 0.1.0",
    description = "Apply, inspect and watch Pledge Promises and resource requests; build images.")
public final class PledgeCommand implements Runnable {

  /**
   * The subcommands, registered by {@link #commandLine}: only the one a call names, since picocli
   * builds each registered command's model by reflection, the largest part of a call's start.
   */
  static final List<Class<?>> SUBCOMMANDS =
      List.of(
          ApplyCommand.class,
          DiffCommand.class,
          GetCommand.class,
          DescribeCommand.class,
          ExplainCommand.class,
          LogsCommand.class,
          DeleteCommand.class,
          WatchCommand.class,
          WaitCommand.class,
          ReconcileCommand.class,
          ApiResourcesCommand.class,
          ConfigCommand.class,
          ImageCommand.class,
          InitCommand.class,
          UpdateCommand.class,
          AddCommand.class,
          BuildCommand.class,
          TestCommand.class,
          CompletionCommand.class,
          CommandLine.HelpCommand.class);

  /** The top-level options that take a value: the word after them is not the subcommand. */
  private static final Set<String> VALUED_OPTIONS = Set.of("--server", "--token", "--context");

  static final int REFUSED = 1;
  static final int UNREACHABLE = 3;

  @Option(
      names = "--server",
      description =
          "request-intake's URL (default: $PLEDGE_SERVER, else the context's, else"
              + " http://127.0.0.1:8080)")
  String server;

  @Option(
      names = "--token",
      description =
          "bearer token (default: $PLEDGE_TOKEN, else the context's, else"
              + " $PLEDGE_HOME/admin.token, else .pledge/admin.token)")
  String token;

  @Option(
      names = "--context",
      description = "the config file's context to use (default: its current-context)")
  String contextName;

  final CliContext context;

  PledgeCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public void run() {
    commandLine(context, List.of()).usage(context.out());
  }

  /**
   * The command line for {@code args}: the top-level command with the subcommand the arguments
   * name, or with all of them when they name none (usage, {@code help}, {@code completion}, a
   * mistyped word that picocli then answers with its suggestions).
   */
  static CommandLine commandLine(CliContext context, List<String> args) {
    CommandLine cli = new CommandLine(new PledgeCommand(context), new Factory(context));
    Optional<Class<?>> named = subcommandNamed(args);
    boolean needsAll =
        named.isEmpty()
            || named.get() == CommandLine.HelpCommand.class
            || named.get() == CompletionCommand.class;
    for (Class<?> subcommand : needsAll ? SUBCOMMANDS : List.of(named.get())) {
      cli.addSubcommand(subcommand);
    }
    // The descriptions' lines are written up to 90 columns; picocli's default of 80 would break
    // each of them in two. Set after the subcommands are added: it reaches those present only.
    cli.setUsageHelpWidth(100);
    return cli;
  }

  /**
   * The subcommand the first word that is not a top-level option names, if any; none after a
   * top-level {@code --help}, whose usage lists them all.
   */
  static Optional<Class<?>> subcommandNamed(List<String> args) {
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("-h") || arg.equals("--help")) {
        return Optional.empty();
      } else if (VALUED_OPTIONS.contains(arg)) {
        i++;
      } else if (!arg.startsWith("-")) {
        return SUBCOMMANDS.stream().filter(c -> names(c).contains(arg)).findFirst();
      }
    }
    return Optional.empty();
  }

  private static List<String> names(Class<?> subcommand) {
    Command command = subcommand.getAnnotation(Command.class);
    List<String> names = new ArrayList<>(List.of(command.aliases()));
    names.add(command.name());
    return names;
  }

  /** The client for this invocation, from the options, the environment and the token files. */
  IntakeClient client() {
    Optional<CliConfig.Context> chosen =
        CliConfig.read(CliConfig.location(context.env(), context.workDir())).selected(contextName);
    if (contextName != null && chosen.isEmpty()) {
      throw new IllegalArgumentException(
          "no context exists with the name: \"" + contextName + "\"");
    }
    String url = server != null ? server : context.env().getOrDefault("PLEDGE_SERVER", "");
    if (url.isBlank()) {
      url = chosen.map(CliConfig.Context::server).orElse("http://127.0.0.1:8080");
    }
    String bearer = token;
    if (bearer == null) {
      String fromEnv = context.env().get("PLEDGE_TOKEN");
      bearer =
          fromEnv != null && !fromEnv.isBlank()
              ? fromEnv.strip()
              : chosen
                  .map(CliConfig.Context::token)
                  .orElseGet(() -> TokenSource.find(context.env(), context.workDir()));
    }
    return new IntakeClient(URI.create(url.endsWith("/") ? url : url + "/"), bearer);
  }

  /**
   * Runs one invocation and answers its exit code; everything it prints goes to {@code context}.
   */
  public static int run(CliContext context, String... args) {
    CommandLine cli = commandLine(context, List.of(args));
    cli.setOut(context.out());
    cli.setErr(context.err());
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof ApiException api) {
            context.err().println(api.render());
            context.err().flush();
            return REFUSED;
          }
          if (e instanceof IntakeClient.UnreachableException u) {
            context.err().println("error: " + u.getMessage());
            context.err().flush();
            return UNREACHABLE;
          }
          // Anything else (a file that is not there, YAML the CLI itself reads): one line, as
          // kubectl answers, never a stack trace.
          context.err().println("error: " + oneLine(e));
          context.err().flush();
          return REFUSED;
        });
    int code = cli.execute(args);
    context.out().flush();
    context.err().flush();
    return code;
  }

  /** What went wrong, in one line: the path for a missing file, else the message or the type. */
  static String oneLine(Exception e) {
    if (e instanceof java.nio.file.NoSuchFileException missing) {
      return "the path \"" + missing.getFile() + "\" does not exist";
    }
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return e.getClass().getSimpleName();
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  public static void main(String[] args) throws java.io.IOException {
    if (args.length == 1 && ArchiveTraining.COMMAND.equals(args[0])) {
      System.exit(ArchiveTraining.run());
    }
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    InputStream in = System.in;
    System.exit(run(new CliContext(out, err, in, System.getenv(), CliContext.cwd()), args));
  }

  /** Gives every subcommand the invocation's context. */
  private record Factory(CliContext context) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> type) throws Exception {
      try {
        return type.getDeclaredConstructor(CliContext.class).newInstance(context);
      } catch (NoSuchMethodException e) {
        return CommandLine.defaultFactory().create(type);
      }
    }
  }
}
