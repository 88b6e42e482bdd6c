package dev.cairn.runner;

import dev.cairn.dir.LazyDirectory;
import dev.cairn.dir.PathDirectoryOpenerFactory;
import dev.cairn.dir.PathOpenerConfig;
import dev.cairn.dir.UnderlyingDirectoryException;
import dev.cairn.spi.HostContext;
import dev.cairn.spi.command.CommandIo;
import dev.cairn.spi.command.PluginCommand;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * {@code cairn runner --build-dir <path> -- <cmd>...}: runs a command in a fresh subdirectory of the build
 * directory, reached through a lazy directory (opener {@code path}), and exits with the command's exit code.
 */
public final class RunnerCommand implements PluginCommand {
    static final String USAGE = """
            Usage: cairn runner [--build-dir <path>] -- <command> [<arg>...]
              Runs <command> in a new subdirectory action-<id> of <path> (created, then removed) and exits
              with its exit code. The build directory is opened afresh for every operation, so the runner
              keeps working when the worker mounts or re-mounts it. Without --build-dir, the
              configuration's sections.runner.buildDirectory is used.""";

    @Override
    public String name() {
        return "runner";
    }

    @Override
    public String summary() {
        return "run a command in a fresh subdirectory of a (lazily opened) build directory";
    }

    @Override
    public int run(List<String> args, CommandIo io, HostContext context) throws Exception {
        int dashes = args.indexOf("--");
        List<String> options = dashes < 0 ? args : args.subList(0, dashes);
        if (options.contains("--help") || options.contains("-h")) {
            io.out().println(USAGE);
            return 0;
        }
        String buildDir = null;
        for (int i = 0; i < options.size(); i++) {
            if (options.get(i).equals("--build-dir") && i + 1 < options.size()) {
                buildDir = options.get(++i);
            } else {
                return usage(io, "unknown or incomplete option '" + options.get(i) + "'");
            }
        }
        if (buildDir == null) {
            buildDir = configuredBuildDirectory(context);
        }
        if (buildDir == null) {
            return usage(io, "--build-dir <path> is required (or set sections.runner.buildDirectory)");
        }
        if (dashes < 0 || dashes == args.size() - 1) {
            return usage(io, "give the command after '--'");
        }
        PathOpenerConfig config = new PathOpenerConfig(buildDir);
        Path path = context.resolve(buildDir);
        LazyDirectory dir = new LazyDirectory(new PathDirectoryOpenerFactory().create(config, context));
        Runner runner = new Runner(dir, path, () -> "action-" + UUID.randomUUID());
        try {
            return runner.run(args.subList(dashes + 1, args.size()), io.out(), io.err());
        } catch (UnderlyingDirectoryException e) {
            io.err().println("cairn runner: the build directory " + path + " is not available (" + e.getMessage()
                    + ").");
            return 1;
        } catch (IOException e) {
            io.err().println("cairn runner: could not run the action: " + e.getMessage());
            return 1;
        }
    }

    private static String configuredBuildDirectory(HostContext context) {
        try {
            return context.section("runner", RunnerSection.class).buildDirectory();
        } catch (dev.cairn.spi.ConfigurationException notSet) {
            return null; // hosts that do not know the section: --build-dir is then required
        }
    }

    private static int usage(CommandIo io, String message) {
        io.err().println("cairn runner: " + message + ".");
        io.err().println(USAGE);
        return 2;
    }
}
