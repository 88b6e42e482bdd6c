package dev.cairn.server;

import dev.cairn.spi.store.Blob;
import dev.cairn.spi.store.BlobSource;
import dev.cairn.spi.store.CleanResult;
import dev.cairn.spi.store.Store;
import dev.cairn.spi.store.StoreFullException;
import dev.cairn.spi.store.StoreStats;
import dev.cairn.spi.store.StoreUnavailableException;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A store that cannot make room for anything: every put fails with {@link StoreFullException}; or, when
 * {@code unavailable}, every read and write fails with {@link StoreUnavailableException}.
 */
final class FullStore implements Store {
    private final Store delegate;
    private final boolean unavailable;

    FullStore(Store delegate) {
        this(delegate, false);
    }

    FullStore(Store delegate, boolean unavailable) {
        this.delegate = delegate;
        this.unavailable = unavailable;
    }

    private void check() throws StoreUnavailableException {
        if (unavailable) {
            throw new StoreUnavailableException("remote tier down", new java.net.ConnectException("refused"));
        }
    }

    @Override
    public Optional<Blob> get(String key, String name) throws IOException {
        check();
        return delegate.get(key, name);
    }

    @Override
    public void put(String key, Map<String, BlobSource> blobs) throws IOException {
        check();
        throw new StoreFullException("budget of 0 bytes left, entry needs " + blobs.values().stream()
                .mapToLong(BlobSource::size).sum());
    }

    @Override
    public boolean has(String key) throws IOException {
        return delegate.has(key);
    }

    @Override
    public boolean delete(String key) throws IOException {
        return delegate.delete(key);
    }

    @Override
    public StoreStats stats() throws IOException {
        return delegate.stats();
    }

    @Override
    public CleanResult clean(long maxSize, Duration maxAge) throws IOException {
        return delegate.clean(maxSize, maxAge);
    }

    @Override
    public Optional<Path> dir() {
        return delegate.dir();
    }

    @Override
    public Store namespace(String name) {
        return new FullStore(delegate.namespace(name), unavailable);
    }

    @Override
    public String describe() {
        return "full:" + delegate.describe();
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
