package dev.cairn.cache.disk;

import dev.cairn.spi.config.DataSize;
import dev.cairn.spi.store.Store;
import dev.cairn.testkit.store.StoreContract;

import java.nio.file.Path;
import java.time.Clock;

/** The disk store passes the shared store contract. */
class DiskStoreContractTest extends StoreContract {
    @Override
    protected Store createStore(Path dir, long maxSizeBytes) throws Exception {
        return createStore(dir, maxSizeBytes, Clock.systemUTC());
    }

    @Override
    protected Store createStore(Path dir, long maxSizeBytes, Clock clock) throws Exception {
        return DiskStore.open(dir, config(dir, maxSizeBytes), clock);
    }

    static DiskStoreConfig config(Path dir, long maxSizeBytes) {
        // Namespaces unlimited: the contract checks that they do not share the root view's budget.
        return new DiskStoreConfig(dir.toString(), DataSize.ofBytes(maxSizeBytes), null, null, DataSize.ofBytes(0),
                null, true);
    }

    @Override
    protected boolean supportsClock() {
        return true;
    }

    @Override
    protected boolean supportsDir() {
        return true;
    }

    @Override
    protected boolean supportsReopen() {
        return true;
    }
}
