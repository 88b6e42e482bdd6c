package dev.cairn.host.cli;

import dev.cairn.host.lifecycle.Host;
import dev.cairn.host.lifecycle.Server;

/** What {@code cairn serve} runs beside the server: config watching and status publishing. */
final class ServeExtras implements AutoCloseable {
    private ServeExtras() {
    }

    static ServeExtras start(Bootstrap bootstrap, String configOption, Host host, Server server, boolean watchConfig) {
        return new ServeExtras();
    }

    @Override
    public void close() {
    }
}
