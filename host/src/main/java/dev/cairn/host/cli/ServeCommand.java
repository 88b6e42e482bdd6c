package dev.cairn.host.cli;

import dev.cairn.host.lifecycle.Server;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code cairn serve}: the cache server and the configured services, until SIGTERM. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the cache server and the configured services until stopped (SIGTERM or Ctrl-C).")
final class ServeCommand implements Callable<Integer> {
    @ParentCommand
    RootCommand root;

    @Option(names = "--watch-config",
            description = "reload the parts of the config that can change live when the file (or a Kubernetes "
                    + "ConfigMap ..data swap) changes")
    boolean watchConfig;

    @Override
    public Integer call() throws Exception {
        Bootstrap.Session session = root.cli.bootstrap().open(root.config);
        Server server = new Server(session.host());
        Thread hook = new Thread(() -> {
            server.close();
            session.extensions().close();
        }, "cairn-shutdown");
        try {
            server.start();
        } catch (Exception e) {
            session.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(hook);
        ServeExtras extras = ServeExtras.start(root.cli.bootstrap(), root.config, session.host(), server, watchConfig);
        try {
            server.awaitStop();
        } finally {
            extras.close();
        }
        return ExitCodes.OK;
    }
}
