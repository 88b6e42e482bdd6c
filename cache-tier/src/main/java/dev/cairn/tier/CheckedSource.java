package dev.cairn.tier;

import dev.cairn.spi.store.BlobSource;
import dev.cairn.spi.store.ExactLengthInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Wraps a caller's {@link BlobSource} so that a failure of the source (the client went away, or it yields more or
 * fewer bytes than it declared) is recorded: the tiered store must not mistake it for an outage of the tier that
 * was reading it.
 */
final class CheckedSource implements BlobSource {
    private final String name;
    private final BlobSource delegate;
    private final AtomicReference<IOException> failure;

    CheckedSource(String name, BlobSource delegate, AtomicReference<IOException> failure) {
        this.name = Objects.requireNonNull(name, "name is null");
        this.delegate = Objects.requireNonNull(delegate, "delegate is null");
        this.failure = Objects.requireNonNull(failure, "failure is null");
    }

    @Override
    public long size() {
        return delegate.size();
    }

    @Override
    public InputStream open() throws IOException {
        try {
            return new ExactLengthInputStream(delegate.open(), delegate.size(), "blob '" + name + "'",
                    e -> failure.compareAndSet(null, e));
        } catch (IOException e) {
            throw record(e);
        }
    }

    private IOException record(IOException e) {
        failure.compareAndSet(null, e);
        return e;
    }
}
