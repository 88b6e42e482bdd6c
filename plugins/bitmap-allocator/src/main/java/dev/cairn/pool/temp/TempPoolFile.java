package dev.cairn.pool.temp;

import dev.cairn.spi.pool.PoolFile;
import dev.cairn.spi.pool.RegionType;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A file of the {@code temp} pool. Which ranges were written is tracked here (start to end, merged), so
 * {@link #nextRegionOffset} is exact whatever the file system reports for {@code SEEK_DATA}; the bytes live in a
 * sparse file, so holes cost no disk space either.
 */
final class TempPoolFile implements PoolFile {
    private final TempFilePool pool;
    private final Path path;
    private final FileChannel channel;
    private final TreeMap<Long, Long> data = new TreeMap<>();
    private volatile long size;
    private boolean closed;

    TempPoolFile(TempFilePool pool, Path path, FileChannel channel) {
        this.pool = Objects.requireNonNull(pool, "pool is null");
        this.path = Objects.requireNonNull(path, "path is null");
        this.channel = Objects.requireNonNull(channel, "channel is null");
    }

    @Override
    public int readAt(ByteBuffer dst, long offset) throws IOException {
        checkOpen();
        checkOffset(offset);
        if (offset >= size) {
            return -1;
        }
        int n = (int) Math.min(dst.remaining(), size - offset);
        int limit = dst.limit();
        dst.limit(dst.position() + n);
        try {
            long pos = offset;
            while (dst.hasRemaining()) {
                int r = channel.read(dst, pos);
                if (r < 0) {
                    // The channel is shorter than the logical size only after a grow by truncate: zeros.
                    while (dst.hasRemaining()) {
                        dst.put((byte) 0);
                    }
                    break;
                }
                pos += r;
            }
        } finally {
            dst.limit(limit);
        }
        return n;
    }

    @Override
    public void writeAt(ByteBuffer src, long offset) throws IOException {
        checkOpen();
        checkOffset(offset);
        if (!src.hasRemaining()) {
            return;
        }
        long end = offset + src.remaining();
        long pos = offset;
        while (src.hasRemaining()) {
            pos += channel.write(src, pos);
        }
        addData(offset, end);
        size = Math.max(size, end);
    }

    private void addData(long start, long end) {
        Map.Entry<Long, Long> before = data.floorEntry(start);
        if (before != null && before.getValue() >= start) {
            start = before.getKey();
            end = Math.max(end, before.getValue());
        }
        Map.Entry<Long, Long> next = data.ceilingEntry(start);
        while (next != null && next.getKey() <= end) {
            end = Math.max(end, next.getValue());
            data.remove(next.getKey());
            next = data.ceilingEntry(start);
        }
        data.put(start, end);
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void truncate(long newSize) throws IOException {
        checkOpen();
        if (newSize < 0) {
            throw new IllegalArgumentException("size must not be negative: " + newSize);
        }
        if (newSize < size) {
            channel.truncate(newSize);
            data.tailMap(newSize, true).clear();
            Map.Entry<Long, Long> last = data.lastEntry();
            if (last != null && last.getValue() > newSize) {
                data.put(last.getKey(), newSize);
            }
        }
        size = newSize;
    }

    @Override
    public long nextRegionOffset(long offset, RegionType type) throws IOException {
        checkOpen();
        checkOffset(offset);
        Objects.requireNonNull(type, "type is null");
        if (offset >= size) {
            throw new EOFException("offset " + offset + " is at or past the end of the file (" + size + " bytes)");
        }
        Map.Entry<Long, Long> at = data.floorEntry(offset);
        boolean inData = at != null && at.getValue() > offset;
        if (type == RegionType.DATA) {
            if (inData) {
                return offset;
            }
            Long next = data.higherKey(offset);
            if (next == null) {
                throw new EOFException("no data at or after offset " + offset);
            }
            return next;
        }
        return inData ? Math.min(size, at.getValue()) : offset;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
        } finally {
            Files.deleteIfExists(path);
            pool.closed(this);
        }
    }

    /** @return the backing file (for tests) */
    Path path() {
        return path;
    }

    private void checkOpen() throws IOException {
        if (closed) {
            throw new IOException("pool file is closed");
        }
        pool.checkOpen();
    }

    private static void checkOffset(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + offset);
        }
    }
}
