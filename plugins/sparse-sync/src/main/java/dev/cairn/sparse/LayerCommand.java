package dev.cairn.sparse;

import dev.cairn.spi.HostContext;
import dev.cairn.spi.command.CommandIo;
import dev.cairn.spi.command.PluginCommand;
import dev.cairn.spi.io.FileIoProcessor;
import dev.cairn.spi.io.FileIoProcessorFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;

/** What fold and prune share: two files, the first read, the second written, with progress. */
abstract class LayerCommand implements PluginCommand {
    abstract String usage();

    abstract String firstRole();

    abstract String secondRole();

    /** @return the line to print on success */
    abstract String apply(FileIoProcessor first, FileIoProcessor second, Progress progress) throws IOException;

    /** @return whether the first file is the one written (prune writes the parent, given first) */
    abstract boolean writesFirst();

    @Override
    public int run(List<String> rawArgs, CommandIo io, HostContext ctx) throws Exception {
        Args args;
        try {
            args = Args.parse(rawArgs, Set.of(), Set.of("help"));
            if (args.flag("help")) {
                io.out().print(usage());
                return 0;
            }
            if (args.positional().size() != 2) {
                throw new UsageException("expected " + firstRole() + " and " + secondRole() + ", got "
                        + args.positional().size() + " arguments");
            }
        } catch (UsageException e) {
            io.err().println("cairn " + name() + ": " + e.getMessage());
            io.err().print(usage());
            return 2;
        }
        Path first = Path.of(args.positional().get(0));
        Path second = Path.of(args.positional().get(1));
        for (Path p : List.of(first, second)) {
            if (!Files.isRegularFile(p)) {
                io.err().println("cairn " + name() + ": " + p + " is not a regular file.");
                return 1;
            }
        }
        if (Files.isSameFile(first, second)) {
            io.err().println("cairn " + name() + ": " + firstRole() + " and " + secondRole() + " are the same file.");
            return 1;
        }
        FileIoProcessorFactory fileIo = ctx.fileIo();
        Set<StandardOpenOption> read = Set.of(StandardOpenOption.READ);
        Set<StandardOpenOption> write = Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE);
        try (FileIoProcessor a = fileIo.open(first, writesFirst() ? write : read);
             FileIoProcessor b = fileIo.open(second, writesFirst() ? read : write)) {
            Progress progress = new Progress(name(), writesFirst() ? b.size() : a.size(), ctx.clock(), io.err(),
                    io.terminal());
            String line;
            try (ProgressTicker ticker = new ProgressTicker(progress, io.terminal())) {
                line = apply(a, b, progress);
                ticker.done();
            }
            io.out().println(line);
            return 0;
        } catch (IOException e) {
            io.err().println("cairn " + name() + ": " + e.getMessage());
            return 1;
        }
    }
}
