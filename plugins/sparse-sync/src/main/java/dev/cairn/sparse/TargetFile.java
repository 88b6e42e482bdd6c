package dev.cairn.sparse;

import dev.cairn.spi.io.FileIoProcessor;
import dev.cairn.spi.io.FileIoProcessorFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Set;

/** A sync target on this machine: the server's session file, and the local copy's destination. */
final class TargetFile implements SyncTarget {
    private final Path path;
    private final FileIoProcessorFactory io;
    private FileIoProcessor file;
    /**
     * Range digests computed by {@link #checksum}, reused by the verification at commit. An entry is stored only when
     * no write or hole changed the file while it was computed, and a write or hole drops the entries it overlaps.
     */
    private record Range(long offset, int length) {
    }

    private final java.util.Map<Range, byte[]> digests = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong modifications = new java.util.concurrent.atomic.AtomicLong();

    TargetFile(Path path, FileIoProcessorFactory io) {
        this.path = Objects.requireNonNull(path, "path is null");
        this.io = Objects.requireNonNull(io, "io is null");
    }

    Path path() {
        return path;
    }

    @Override
    public synchronized boolean open(long size) throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: " + size);
        }
        boolean existed = Files.exists(path, LinkOption.NOFOLLOW_LINKS);
        file = io.open(path, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                LinkOption.NOFOLLOW_LINKS));
        // Before the first byte changes: a sync that fails from here on leaves no digest a fast sync could trust.
        SyncRecord.clear(path);
        if (file.size() != size) {
            file.truncate(size);
        }
        return existed;
    }

    private FileIoProcessor file() throws IOException {
        FileIoProcessor f = file;
        if (f == null) {
            throw new IOException("target " + path + " is not open");
        }
        return f;
    }

    private static Range key(long offset, int length) {
        return new Range(offset, length);
    }

    private void modified(long offset, long length) {
        modifications.incrementAndGet();
        digests.keySet().removeIf(r -> r.offset() < offset + length && offset < r.offset() + r.length());
    }

    @Override
    public java.util.List<dev.cairn.spi.io.Interval> layout() throws IOException {
        return file().dataLayout();
    }

    @Override
    public void punchHole(long offset, long length) throws IOException {
        modified(offset, length);
        try {
            file().punchHole(offset, length);
        } finally {
            modified(offset, length);
        }
    }

    @Override
    public byte[] checksum(long offset, int length) throws IOException {
        long before = modifications.get();
        byte[] d = ContentDigest.range(file(), offset, length);
        if (modifications.get() == before) {
            digests.put(key(offset, length), d);
        }
        return d;
    }

    @Override
    public void write(long offset, byte[] bytes, int from, int length) throws IOException {
        modified(offset, length);
        try {
            RangeIo.write(file(), offset, bytes, from, length);
        } finally {
            modified(offset, length);
        }
    }

    @Override
    public java.util.Optional<String> recorded() throws IOException {
        return Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) ? SyncRecord.read(path) : java.util.Optional.empty();
    }

    @Override
    public synchronized void commit(byte[] expected, int batchSize) throws IOException {
        FileIoProcessor f = file();
        try {
            f.sync();
            if (expected != null) {
                byte[] actual = ContentDigest.whole(f, batchSize,
                        (offset, length) -> digests.get(key(offset, length)));
                if (!java.security.MessageDigest.isEqual(expected, actual)) {
                    throw new VerificationException(path.toString(), ContentDigest.hex(expected),
                            ContentDigest.hex(actual));
                }
            }
        } finally {
            file = null;
            digests.clear();
            f.close();
        }
        if (expected != null) {
            SyncRecord.write(path, ContentDigest.hex(expected));
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (file != null) {
            file.close();
            file = null;
        }
    }
}
