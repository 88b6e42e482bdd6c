package dev.cairn.sparse.bench;

import dev.cairn.spi.command.CommandIo;
import dev.cairn.spi.command.PluginCommand;
import dev.cairn.spi.io.FileIoProcessorFactory;
import dev.cairn.testkit.FakeHostContext;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Runs one of the plugin's commands as {@code bin/cairn <command>} would, with a minimal host: the I/O mode comes
 * from {@code -Dcairn.io=buffered|direct}. Used by bench/sparse-sync.sh so the benchmark does not depend on the dist.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: sparse-sync-bench <sync|sync-server|fold|prune> [args...]");
            System.exit(2);
        }
        String mode = System.getProperty("cairn.io", "buffered");
        FakeHostContext ctx = new FakeHostContext(Path.of("").toAbsolutePath());
        for (FileIoProcessorFactory f : ServiceLoader.load(FileIoProcessorFactory.class)) {
            if (f.name().equals(mode)) {
                ctx.withFileIo(f);
            }
        }
        for (PluginCommand c : ServiceLoader.load(PluginCommand.class)) {
            if (c.name().equals(args[0])) {
                List<String> rest = Arrays.asList(args).subList(1, args.length);
                int code = c.run(rest, new CommandIo(System.in, System.out, System.err, System.console() != null), ctx);
                System.exit(code);
            }
        }
        System.err.println("unknown command " + args[0]);
        System.exit(2);
    }
}
