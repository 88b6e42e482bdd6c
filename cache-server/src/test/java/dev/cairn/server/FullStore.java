package dev.cairn.server;

import dev.cairn.spi.store.Blob;
import dev.cairn.spi.store.BlobSource;
import dev.cairn.spi.store.CleanResult;
import dev.cairn.spi.store.Store;
import dev.cairn.spi.store.StoreFullException;
import dev.cairn.spi.store.StoreStats;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** A store that cannot make room for anything: every put fails with {@link StoreFullException}. */
final class FullStore implements Store {
    private final Store delegate;

    FullStore(Store delegate) {
        this.delegate = delegate;
    }

    @Override
    public Optional<Blob> get(String key, String name) throws IOException {
        return delegate.get(key, name);
    }

    @Override
    public void put(String key, Map<String, BlobSource> blobs) throws IOException {
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
        return new FullStore(delegate.namespace(name));
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
