package dev.cairn.host.cli;

import dev.cairn.projection.ProjectCli;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code cairn project}: atomic projection of a directory or JSON payload ({@code ..data} symlink swap). */
@Command(name = "project", description = "Project a directory tree or a JSON payload into a target directory "
        + "atomically (Kubernetes-style ..data swap); --watch re-projects on change.",
        mixinStandardHelpOptions = false)
final class ProjectCommand implements Callable<Integer> {
    @ParentCommand
    RootCommand root;

    @Parameters(arity = "0..*", paramLabel = "<args>",
            description = "--from <dir|json> <target> [--watch]; --help for details")
    List<String> args = List.of();

    @Override
    public Integer call() {
        return ProjectCli.run(args, root.cli.out(), root.cli.err());
    }
}
