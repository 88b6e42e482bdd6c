package dev.cairn.sparse;

import dev.cairn.spi.ConfigurationException;
import dev.cairn.spi.HostContext;
import dev.cairn.spi.command.CommandIo;
import dev.cairn.spi.command.PluginCommand;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/** {@code cairn sync-server --root DIR}: runs the sync server alone, until interrupted. */
public final class SyncServerCommand implements PluginCommand {
    static final String USAGE = """
            usage: cairn sync-server --root DIR [--host 127.0.0.1] [--port 8555] [--idle-timeout 10m]
                                     [--token TOKEN] [--threads 8]
              Receives files from 'cairn sync', every target confined to DIR. The token defaults to
              $CAIRN_SYNC_TOKEN; without one, requests are not authenticated. Stops on SIGINT/SIGTERM.
            """;

    private final CountDownLatch stopSignal;
    private final boolean hookSignals;

    /** The command as the launcher runs it: serves until SIGINT/SIGTERM. */
    public SyncServerCommand() {
        this(new CountDownLatch(1), true);
    }

    /** For tests: serves until {@code stopSignal} is counted down. */
    SyncServerCommand(CountDownLatch stopSignal, boolean hookSignals) {
        this.stopSignal = stopSignal;
        this.hookSignals = hookSignals;
    }

    @Override
    public String name() {
        return "sync-server";
    }

    @Override
    public String summary() {
        return "Run the sparse-file sync server alone (as in services: [{type: sync-server}])";
    }

    @Override
    public int run(List<String> rawArgs, CommandIo io, HostContext ctx) throws Exception {
        SyncServerConfig config;
        try {
            Args args = Args.parse(rawArgs, Set.of("root", "host", "port", "idle-timeout", "token", "threads"),
                    Set.of("help"));
            if (args.flag("help")) {
                io.out().print(USAGE);
                return 0;
            }
            if (!args.positional().isEmpty()) {
                throw new UsageException("unexpected argument " + args.positional().get(0));
            }
            config = new SyncServerConfig(args.get("host", null), args.integer("port", 8555),
                    args.get("root", null), args.duration("idle-timeout", Duration.ofMinutes(10)),
                    args.get("token", System.getenv("CAIRN_SYNC_TOKEN")), args.integer("threads", 8));
        } catch (UsageException | ConfigurationException e) {
            io.err().println("cairn sync-server: " + e.getMessage());
            io.err().print(USAGE);
            return 2;
        }
        SyncServer server = new SyncServer(config, ctx.resolve(config.root()), ctx.fileIo(), ctx.clock(),
                ctx::listening);
        server.start();
        io.err().println("sync-server: serving " + ctx.resolve(config.root()) + " on " + server.url());
        if (hookSignals) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.stop();
                stopSignal.countDown();
            }, "cairn-sync-server-stop"));
        }
        try {
            stopSignal.await();
        } finally {
            server.stop();
        }
        return 0;
    }
}
