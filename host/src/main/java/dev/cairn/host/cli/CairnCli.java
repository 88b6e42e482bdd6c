package dev.cairn.host.cli;

import dev.cairn.host.plugins.PluginLoadException;
import dev.cairn.host.lifecycle.HostStartupException;
import dev.cairn.spi.ConfigurationException;
import dev.cairn.spi.command.CommandIo;
import dev.cairn.spi.command.PluginCommand;
import picocli.CommandLine;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code cairn} command line: built-in commands parsed with picocli, and commands contributed by plugins, which
 * get their arguments raw. {@code --config <file>} is accepted anywhere before {@code --}.
 */
public final class CairnCli {
    static final Set<String> BUILT_IN = Set.of("plugins", "config", "serve", "project", "help");
    private final Bootstrap bootstrap;
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean terminal;

    /**
     * @param bootstrap loads config and plugins
     * @param in standard input
     * @param out standard output
     * @param err standard error
     * @param terminal whether output goes to a terminal (progress bars)
     */
    public CairnCli(Bootstrap bootstrap, InputStream in, PrintStream out, PrintStream err, boolean terminal) {
        this.bootstrap = Objects.requireNonNull(bootstrap, "bootstrap is null");
        this.in = in;
        this.out = out;
        this.err = err;
        this.terminal = terminal;
    }

    /**
     * @param args the command line
     * @return the exit code
     */
    public int run(String[] args) {
        Arguments parsed = Arguments.parse(args);
        if (parsed.error() != null) {
            err.println("cairn: " + parsed.error());
            return ExitCodes.USAGE;
        }
        if ("project".equals(parsed.command())) {
            // Its own parser: arguments pass through untouched (it needs no config or plugins).
            return dev.cairn.projection.ProjectCli.run(parsed.rest(), out, err);
        }
        if (parsed.command() == null || BUILT_IN.contains(parsed.command()) || parsed.command().startsWith("-")) {
            return runBuiltIn(args, parsed);
        }
        return runPluginCommand(parsed);
    }

    private int runBuiltIn(String[] args, Arguments parsed) {
        CommandLine cli = commandLine();
        if (parsed.command() == null || parsed.command().equals("--help") || parsed.command().equals("-h")) {
            // Root help lists plugin commands too, when the config and plugins load.
            cli.getCommandSpec().usageMessage().footer(pluginCommandsFooter(parsed.config()));
        }
        return cli.execute(args);
    }

    CommandLine commandLine() {
        CommandLine cli = new CommandLine(new RootCommand(this));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> report(e));
        cli.setParameterExceptionHandler((e, strings) -> {
            err.println("cairn: " + e.getMessage());
            e.getCommandLine().usage(err);
            return ExitCodes.USAGE;
        });
        return cli;
    }

    private String[] pluginCommandsFooter(String config) {
        try (Bootstrap.Session session = bootstrap.open(config)) {
            List<PluginCommand> commands = session.host().factories(PluginCommand.class);
            if (commands.isEmpty()) {
                return new String[0];
            }
            List<String> lines = new ArrayList<>();
            lines.add("");
            lines.add("Plugin commands (cairn <command> --help for their options):");
            for (PluginCommand c : commands) {
                lines.add(String.format("  %-12s %s", c.name(), c.summary()));
            }
            return lines.toArray(String[]::new);
        } catch (RuntimeException e) {
            return new String[]{"", "Plugin commands are not listed: " + e.getMessage()};
        }
    }

    private int runPluginCommand(Arguments parsed) {
        try (Bootstrap.Session session = bootstrap.open(parsed.config())) {
            Optional<PluginCommand> command = session.host().factories(PluginCommand.class).stream()
                    .filter(c -> c.name().equals(parsed.command())).findFirst();
            if (command.isEmpty()) {
                List<String> names = new ArrayList<>(BUILT_IN);
                session.host().factories(PluginCommand.class).forEach(c -> names.add(c.name()));
                names.sort(null);
                err.println("cairn: unknown command '" + parsed.command() + "'; commands: " + String.join(", ", names));
                return ExitCodes.USAGE;
            }
            return command.get().run(parsed.rest(), new CommandIo(in, out, err, terminal), session.host());
        } catch (Exception e) {
            return report(e);
        }
    }

    /**
     * Prints an error as one readable line first (details follow only with {@code CAIRN_DEBUG=1}).
     *
     * @param e the error
     * @return the exit code for it
     */
    int report(Throwable e) {
        int code;
        String message;
        if (e instanceof ConfigurationException ce) {
            code = ExitCodes.USAGE;
            message = "configuration error: " + ce.getMessage();
        } else if (e instanceof PluginLoadException) {
            code = ExitCodes.FAILURE;
            message = "plugin error: " + e.getMessage();
        } else if (e instanceof HostStartupException) {
            code = ExitCodes.FAILURE;
            message = e.getMessage();
        } else if (e instanceof IllegalArgumentException) {
            code = ExitCodes.USAGE;
            message = e.getMessage();
        } else {
            code = ExitCodes.FAILURE;
            message = e.getMessage() == null ? e.toString() : e.getMessage();
        }
        err.println("cairn: " + message.replace('\n', ' '));
        if (System.getenv("CAIRN_DEBUG") != null) {
            e.printStackTrace(err);
        }
        return code;
    }

    Bootstrap bootstrap() {
        return bootstrap;
    }

    PrintStream out() {
        return out;
    }

    PrintStream err() {
        return err;
    }

    /**
     * The command line split into the host's {@code --config}, the command name and the command's own arguments.
     *
     * @param config the {@code --config} value, or null
     * @param command the first non-option word, or null
     * @param rest the command's arguments, {@code --config} removed
     * @param error a usage error, or null
     */
    record Arguments(String config, String command, List<String> rest, String error) {
        static Arguments parse(String[] args) {
            String config = null;
            String command = null;
            List<String> rest = new ArrayList<>();
            boolean passThrough = false;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (passThrough) {
                    rest.add(a);
                } else if (a.equals("--")) {
                    passThrough = true;
                    rest.add(a);
                } else if (a.equals("--config")) {
                    if (i + 1 >= args.length) {
                        return new Arguments(null, null, List.of(), "--config needs a file");
                    }
                    config = args[++i];
                } else if (a.startsWith("--config=")) {
                    config = a.substring("--config=".length());
                } else if (command == null && !a.startsWith("-")) {
                    command = a;
                } else if (command == null) {
                    // An option before any command (e.g. --help): let picocli handle the whole line.
                    return new Arguments(config, a, List.of(), null);
                } else {
                    rest.add(a);
                }
            }
            return new Arguments(config, command, rest, null);
        }
    }
}
