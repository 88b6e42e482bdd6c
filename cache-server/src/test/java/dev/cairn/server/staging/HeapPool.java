package dev.cairn.server.staging;

import dev.cairn.spi.pool.FilePool;
import dev.cairn.spi.pool.PoolFile;
import dev.cairn.spi.pool.RegionType;

import java.nio.ByteBuffer;

/** A pool of heap-backed files that counts files created and still open. */
public final class HeapPool implements FilePool {
    public volatile int created;

    public volatile int open;

    @Override
    public synchronized PoolFile newFile() {
        created++;
        open++;
        return new PoolFile() {
            ByteBuffer data = ByteBuffer.allocate(0);

            @Override
            public int readAt(ByteBuffer dst, long offset) {
                if (offset >= data.limit()) {
                    return -1;
                }
                int n = (int) Math.min(dst.remaining(), data.limit() - offset);
                dst.put(data.duplicate().position((int) offset).limit((int) offset + n));
                return n;
            }

            @Override
            public void writeAt(ByteBuffer src, long offset) {
                int end = (int) offset + src.remaining();
                if (end > data.capacity()) {
                    ByteBuffer bigger = ByteBuffer.allocate(Math.max(end, data.capacity() * 2));
                    bigger.put(data.duplicate().position(0));
                    data = bigger.limit(data.limit());
                }
                data.limit(Math.max(data.limit(), end));
                data.duplicate().position((int) offset).put(src);
            }

            @Override
            public long size() {
                return data.limit();
            }

            @Override
            public void truncate(long size) {
                data.limit((int) size);
            }

            @Override
            public long nextRegionOffset(long offset, RegionType type) {
                return type == RegionType.DATA ? offset : data.limit();
            }

            @Override
            public void close() {
                synchronized (HeapPool.this) {
                    open--;
                }
            }
        };
    }

    @Override
    public void close() {
    }
}
