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
     * Range digests computed by {@link #checksum} and {@link #writeBatch}, reused by the verification at commit. Every
     * operation holds a lock on its range while it runs, so a digest is computed and stored with no write or hole
     * overlapping it in flight, and a later write or hole drops the entries it overlaps before it changes anything.
     */
    private record Range(long offset, long length) {
        boolean overlaps(Range o) {
            return offset < o.offset + o.length && o.offset < offset + length;
        }
    }

    private final java.util.Map<Range, byte[]> digests = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.List<Range> locked = new java.util.ArrayList<>();

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

    private static Range key(long offset, long length) {
        return new Range(offset, length);
    }

    /** Waits until no other operation holds a range overlapping this one, then holds it. */
    private Range lock(long offset, long length) throws IOException {
        Range r = new Range(offset, Math.max(1, length));
        synchronized (locked) {
            while (locked.stream().anyMatch(r::overlaps)) {
                try {
                    locked.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted waiting for " + offset + "+" + length);
                }
            }
            locked.add(r);
        }
        return r;
    }

    private void unlock(Range r) {
        synchronized (locked) {
            locked.remove(r);
            locked.notifyAll();
        }
    }

    /** Called with the range locked, before it changes: no digest of an overlapping range stays valid. */
    private void modified(Range r) {
        digests.keySet().removeIf(r::overlaps);
    }

    @Override
    public java.util.List<dev.cairn.spi.io.Interval> layout() throws IOException {
        return file().dataLayout();
    }

    @Override
    public void punchHole(long offset, long length) throws IOException {
        Range r = lock(offset, length);
        try {
            modified(r);
            file().punchHole(offset, length);
        } finally {
            unlock(r);
        }
    }

    @Override
    public byte[] checksum(long offset, int length) throws IOException {
        Range r = lock(offset, length);
        try {
            byte[] d = ContentDigest.range(file(), offset, length);
            digests.put(key(offset, length), d);
            return d.clone();
        } finally {
            unlock(r);
        }
    }

    @Override
    public void write(long offset, byte[] bytes, int from, int length) throws IOException {
        Range r = lock(offset, length);
        try {
            modified(r);
            RangeIo.write(file(), offset, bytes, from, length);
        } finally {
            unlock(r);
        }
    }

    /**
     * Writes the ranges and remembers the batch's digest, computed from the bytes just written and, between the
     * ranges, from the file's own content read back into {@code bytes} (which is why the gaps of {@code bytes} are
     * overwritten): the verification at commit then reads nothing of this batch
     * again, and still compares the client's digest of the source with one of what this target wrote.
     */
    @Override
    public void writeBatch(long offset, int length, java.util.List<dev.cairn.spi.io.Interval> ranges, byte[] bytes)
            throws IOException {
        Objects.checkFromIndexSize(0, length, bytes.length);
        long pos = offset;
        for (dev.cairn.spi.io.Interval d : ranges) {
            if (d.offset() < pos || d.end() > offset + length) {
                throw new IllegalArgumentException("ranges must be in order, not overlapping and inside the batch "
                        + offset + "+" + length + ": " + d.offset() + "+" + d.length());
            }
            pos = d.end();
        }
        Range r = lock(offset, length);
        try {
            modified(r);
            FileIoProcessor f = file();
            pos = offset;
            for (dev.cairn.spi.io.Interval d : ranges) {
                RangeIo.write(f, d.offset(), bytes, (int) (d.offset() - offset), (int) d.length());
                if (d.offset() > pos) {
                    readInto(f, pos, bytes, (int) (pos - offset), (int) (d.offset() - pos));
                }
                pos = d.end();
            }
            if (pos < offset + length) {
                readInto(f, pos, bytes, (int) (pos - offset), (int) (offset + length - pos));
            }
            // One pass over the whole batch: the written ranges as received, the rest as read back from the file.
            java.security.MessageDigest md = ContentDigest.sha256();
            md.update(bytes, 0, length);
            digests.put(key(offset, length), md.digest());
        } finally {
            unlock(r);
        }
    }

    /** Reads the file's range into {@code bytes} at {@code at}. */
    private static void readInto(FileIoProcessor f, long offset, byte[] bytes, int at, int length) throws IOException {
        int done = 0;
        while (done < length) {
            int n = Math.min(1 << 20, length - done);
            RangeIo.read(f, offset + done, n).get(bytes, at + done, n);
            done += n;
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
