package dev.cairn.testkit.store;

import dev.cairn.spi.store.Store;
import dev.cairn.testkit.InMemoryStore;

import java.nio.file.Path;
import java.time.Clock;

/** The testkit's {@link InMemoryStore} keeps the store contract too (no local dir, no persistence). */
class InMemoryStoreContractTest extends StoreContract {
    @Override
    protected Store createStore(Path dir, long maxSizeBytes) {
        return new InMemoryStore(maxSizeBytes);
    }

    @Override
    protected Store createStore(Path dir, long maxSizeBytes, Clock clock) {
        return new InMemoryStore(maxSizeBytes, clock);
    }

    @Override
    protected boolean supportsClock() {
        return true;
    }

}
