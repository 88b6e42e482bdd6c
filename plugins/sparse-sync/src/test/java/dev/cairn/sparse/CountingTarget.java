package dev.cairn.sparse;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** A fake decorating a target: counts calls and bytes, and fails the write number {@code failAtWrite} (1-based). */
final class CountingTarget implements SyncTarget {
    private final SyncTarget delegate;
    private final int failAtWrite;
    final AtomicInteger writes = new AtomicInteger();
    final AtomicLong bytesWritten = new AtomicLong();
    final AtomicInteger checksums = new AtomicInteger();
    final AtomicInteger holes = new AtomicInteger();
    volatile boolean corrupt;
    volatile boolean committed;

    CountingTarget(SyncTarget delegate, int failAtWrite) {
        this.delegate = delegate;
        this.failAtWrite = failAtWrite;
    }

    @Override
    public boolean open(long size) throws IOException {
        return delegate.open(size);
    }

    @Override
    public java.util.List<dev.cairn.spi.io.Interval> layout() throws IOException {
        return delegate.layout();
    }

    @Override
    public void punchHole(long offset, long length) throws IOException {
        holes.incrementAndGet();
        delegate.punchHole(offset, length);
    }

    @Override
    public byte[] checksum(long offset, int length) throws IOException {
        checksums.incrementAndGet();
        return delegate.checksum(offset, length);
    }

    @Override
    public void write(long offset, byte[] bytes, int from, int length) throws IOException {
        if (writes.incrementAndGet() == failAtWrite) {
            throw new IOException("injected: connection lost at write " + failAtWrite);
        }
        if (corrupt) {
            bytes = bytes.clone();
            bytes[from] ^= 1;
        }
        delegate.write(offset, bytes, from, length);
        bytesWritten.addAndGet(length);
    }

    @Override
    public Optional<String> recorded() throws IOException {
        return delegate.recorded();
    }

    @Override
    public void commit(byte[] expected, int batchSize) throws IOException {
        delegate.commit(expected, batchSize);
        committed = true;
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
