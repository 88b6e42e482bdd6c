package dev.cairn.cache.disk;

import dev.cairn.spi.HostContext;
import dev.cairn.spi.store.Store;
import dev.cairn.spi.store.StoreFactory;

import static java.util.Objects.requireNonNull;

/** Creates the {@code disk} store: {@code cache.stores: [{type: disk, dir: cache, maxSize: 10GiB}]}. */
public final class DiskStoreFactory implements StoreFactory<DiskStoreConfig> {
    @Override
    public String name() {
        return "disk";
    }

    @Override
    public Class<DiskStoreConfig> configType() {
        return DiskStoreConfig.class;
    }

    /**
     * Opens (creating if needed) the store directory, takes its lock and runs start-up recovery.
     *
     * @param config the validated configuration
     * @param context gives the path resolution and the clock
     * @return the store; a {@link dev.cairn.spi.StatusSource} too
     * @throws java.io.IOException when the directory cannot be used (not a store, locked by another process)
     */
    @Override
    public Store create(DiskStoreConfig config, HostContext context) throws java.io.IOException {
        requireNonNull(config, "config is null");
        requireNonNull(context, "context is null");
        return DiskStore.open(context.resolve(config.dir()), config, context.clock());
    }
}
