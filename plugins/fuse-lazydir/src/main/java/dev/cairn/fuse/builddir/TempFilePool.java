package dev.cairn.fuse.builddir;

import dev.cairn.spi.MetricSample;
import dev.cairn.spi.pool.FilePool;
import dev.cairn.spi.pool.PoolFile;
import dev.cairn.spi.pool.RegionType;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A file pool of temporary backing files in one directory, used when no {@code pool} is configured. Each file is
 * unlinked as soon as it is created, so nothing is left behind even when the process is killed.
 */
final class TempFilePool implements FilePool {
    private final Path dir;
    private static final String PREFIX = Long.toString(System.nanoTime(), 36);
    private final AtomicLong created = new AtomicLong();

    TempFilePool(Path dir) {
        this.dir = Objects.requireNonNull(dir, "dir is null");
    }

    @Override
    public PoolFile newFile() throws IOException {
        long n = created.incrementAndGet();
        // A counter, not createTempFile: its random names cost more than the file itself on a 10,000-file build.
        Path p = dir.resolve("cairn-builddir-" + ProcessHandle.current().pid() + "-" + PREFIX + "-"
                + n + ".pool");
        FileChannel channel = FileChannel.open(p, java.util.Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ, StandardOpenOption.WRITE),
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.delete(p);
        return new PoolFile() {
            @Override
            public int readAt(ByteBuffer dst, long offset) throws IOException {
                return channel.read(dst, offset);
            }

            @Override
            public void writeAt(ByteBuffer src, long offset) throws IOException {
                long at = offset;
                while (src.hasRemaining()) {
                    at += channel.write(src, at);
                }
            }

            @Override
            public long size() {
                try {
                    return channel.size();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }

            @Override
            public void truncate(long size) throws IOException {
                long current = channel.size();
                if (size < current) {
                    channel.truncate(size);
                } else if (size > current) {
                    channel.write(ByteBuffer.allocate(1), size - 1);
                }
            }

            @Override
            public long nextRegionOffset(long offset, RegionType type) throws IOException {
                long end = channel.size();
                if (offset >= end) {
                    throw new EOFException("offset " + offset + " is at or past the end (" + end + ")");
                }
                return type == RegionType.DATA ? offset : end; // dense backing file: all data
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }

    @Override
    public Map<String, Object> status() {
        return Map.of("dir", dir.toString(), "filesCreated", created.get());
    }

    @Override
    public List<MetricSample> metrics() {
        return List.of();
    }

    @Override
    public void close() {
    }
}
