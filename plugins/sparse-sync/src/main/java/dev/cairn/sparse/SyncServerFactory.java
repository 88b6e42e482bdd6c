package dev.cairn.sparse;

import dev.cairn.spi.HostContext;
import dev.cairn.spi.service.Service;
import dev.cairn.spi.service.ServiceFactory;

/** The {@code sync-server} service of {@code cairn serve}: receives sparse files from {@code cairn sync}. */
public final class SyncServerFactory implements ServiceFactory<SyncServerConfig> {
    @Override
    public String name() {
        return "sync-server";
    }

    @Override
    public Class<SyncServerConfig> configType() {
        return SyncServerConfig.class;
    }

    @Override
    public Service create(SyncServerConfig config, HostContext context) {
        return new SyncServer(config, context.resolve(config.root()), context.fileIo(), context.clock(),
                context::listening);
    }
}
