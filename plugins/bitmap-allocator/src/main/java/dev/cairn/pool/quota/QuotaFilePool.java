package dev.cairn.pool.quota;

import dev.cairn.spi.MetricSample;
import dev.cairn.spi.config.DataSize;
import dev.cairn.spi.pool.FilePool;
import dev.cairn.spi.pool.PoolFile;
import dev.cairn.spi.pool.RegionType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Limits the bytes that the files of a pool user may hold together (the sum of their sizes, holes included, as
 * bb-remote-execution's quota-enforcing pool does). Wraps any {@link FilePool}; one wrapper per user. Space is
 * reserved before the wrapped file grows and returned when it shrinks, fails to grow or closes.
 */
public final class QuotaFilePool implements FilePool {
    private final FilePool pool;
    private final long maxBytes;
    private final AtomicLong usedBytes = new AtomicLong();

    /**
     * @param pool the pool to limit
     * @param maxBytes the most bytes the files may hold together
     */
    public QuotaFilePool(FilePool pool, long maxBytes) {
        this.pool = Objects.requireNonNull(pool, "pool is null");
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be >= 1, not " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /** @return bytes currently reserved by open files */
    public long usedBytes() {
        return usedBytes.get();
    }

    @Override
    public PoolFile newFile() throws IOException {
        return new QuotaFile(pool.newFile());
    }

    private void reserve(long bytes, String what) throws QuotaExceededException {
        while (true) {
            long used = usedBytes.get();
            if (used + bytes > maxBytes) {
                throw new QuotaExceededException("pool quota of " + DataSize.ofBytes(maxBytes) + " exceeded: "
                        + what + " needs " + bytes + " more bytes, " + used + " of " + maxBytes + " are in use");
            }
            if (usedBytes.compareAndSet(used, used + bytes)) {
                return;
            }
        }
    }

    private void release(long bytes) {
        usedBytes.addAndGet(-bytes);
    }

    @Override
    public Map<String, Object> status() {
        Map<String, Object> status = new LinkedHashMap<>(pool.status());
        status.put("quotaBytes", maxBytes);
        status.put("quotaBytesUsed", usedBytes.get());
        return status;
    }

    @Override
    public List<MetricSample> metrics() {
        List<MetricSample> metrics = new ArrayList<>(pool.metrics());
        metrics.add(MetricSample.gauge("cairn_pool_quota_bytes", "Quota of the file pool", maxBytes));
        metrics.add(MetricSample.gauge("cairn_pool_quota_bytes_used", "Bytes counted against the file pool's quota",
                usedBytes.get()));
        return metrics;
    }

    @Override
    public void close() throws IOException {
        pool.close();
    }

    private final class QuotaFile implements PoolFile {
        private final PoolFile file;
        private long reserved;
        private boolean closed;

        QuotaFile(PoolFile file) {
            this.file = file;
        }

        @Override
        public int readAt(ByteBuffer dst, long offset) throws IOException {
            return file.readAt(dst, offset);
        }

        @Override
        public void writeAt(ByteBuffer src, long offset) throws IOException {
            long end = offset + src.remaining();
            long growth = src.hasRemaining() ? end - file.size() : 0;
            if (growth <= 0) {
                file.writeAt(src, offset);
                return;
            }
            reserve(growth, "writing " + src.remaining() + " bytes at offset " + offset);
            try {
                file.writeAt(src, offset);
            } catch (IOException | RuntimeException e) {
                release(growth);
                throw e;
            }
            reserved += growth;
        }

        @Override
        public long size() {
            return file.size();
        }

        @Override
        public void truncate(long size) throws IOException {
            long growth = size - file.size();
            if (growth > 0) {
                reserve(growth, "growing a file to " + size + " bytes");
                try {
                    file.truncate(size);
                } catch (IOException | RuntimeException e) {
                    release(growth);
                    throw e;
                }
                reserved += growth;
            } else {
                file.truncate(size);
                release(-growth);
                reserved += growth;
            }
        }

        @Override
        public long nextRegionOffset(long offset, RegionType type) throws IOException {
            return file.nextRegionOffset(offset, type);
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                file.close();
            } finally {
                release(reserved);
                reserved = 0;
            }
        }
    }
}
