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

    @Override
    public void punchHole(long offset, long length) throws IOException {
        file().punchHole(offset, length);
    }

    @Override
    public byte[] checksum(long offset, int length) throws IOException {
        return ContentDigest.range(file(), offset, length);
    }

    @Override
    public void write(long offset, byte[] bytes, int from, int length) throws IOException {
        RangeIo.write(file(), offset, bytes, from, length);
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
                byte[] actual = ContentDigest.whole(f, batchSize);
                if (!java.security.MessageDigest.isEqual(expected, actual)) {
                    throw new VerificationException(path.toString(), ContentDigest.hex(expected),
                            ContentDigest.hex(actual));
                }
            }
        } finally {
            file = null;
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
