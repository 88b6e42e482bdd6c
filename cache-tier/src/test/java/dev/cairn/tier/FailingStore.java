package dev.cairn.tier;

import dev.cairn.spi.store.Blob;
import dev.cairn.spi.store.BlobSource;
import dev.cairn.spi.store.CleanResult;
import dev.cairn.spi.store.Store;
import dev.cairn.spi.store.StoreStats;
import dev.cairn.spi.store.StoreUnavailableException;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** A store that can be switched off: while down every call throws {@link StoreUnavailableException}. */
final class FailingStore implements Store {
    private final Store delegate;
    private final String label;
    private final AtomicBoolean down;
    final AtomicInteger calls = new AtomicInteger();

    FailingStore(Store delegate, String label) {
        this(delegate, label, new AtomicBoolean());
    }

    private FailingStore(Store delegate, String label, AtomicBoolean down) {
        this.delegate = delegate;
        this.label = label;
        this.down = down;
    }

    /** Switches this store and its namespace views off or on. */
    void down(boolean down) {
        this.down.set(down);
    }

    private void check() throws IOException {
        calls.incrementAndGet();
        if (down.get()) {
            throw new StoreUnavailableException(label + " is unreachable", new ConnectException("Connection refused"));
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
        delegate.put(key, blobs);
    }

    @Override
    public boolean has(String key) throws IOException {
        check();
        return delegate.has(key);
    }

    @Override
    public boolean delete(String key) throws IOException {
        check();
        return delegate.delete(key);
    }

    @Override
    public StoreStats stats() throws IOException {
        check();
        return delegate.stats();
    }

    @Override
    public CleanResult clean(long maxSize, Duration maxAge) throws IOException {
        check();
        return delegate.clean(maxSize, maxAge);
    }

    @Override
    public Optional<Path> dir() {
        return delegate.dir();
    }

    @Override
    public Store namespace(String name) {
        return new FailingStore(delegate.namespace(name), label + "/" + name, down);
    }

    @Override
    public String describe() {
        return label;
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
