package dev.cairn.fuse.builddir;

import dev.cairn.spi.pool.FilePool;
import dev.cairn.spi.pool.PoolFile;
import dev.cairn.spi.pool.RegionType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/** A file pool that counts files and written bytes, over temporary files. */
final class CountingPool implements FilePool {
    private final TempFilePool delegate;
    final AtomicLong files = new AtomicLong();
    final AtomicLong open = new AtomicLong();
    final AtomicLong bytesWritten = new AtomicLong();

    CountingPool(Path dir) {
        this.delegate = new TempFilePool(dir);
    }

    @Override
    public PoolFile newFile() throws IOException {
        PoolFile f = delegate.newFile();
        files.incrementAndGet();
        open.incrementAndGet();
        return new PoolFile() {
            @Override
            public int readAt(ByteBuffer dst, long offset) throws IOException {
                return f.readAt(dst, offset);
            }

            @Override
            public void writeAt(ByteBuffer src, long offset) throws IOException {
                bytesWritten.addAndGet(src.remaining());
                f.writeAt(src, offset);
            }

            @Override
            public long size() {
                return f.size();
            }

            @Override
            public void truncate(long size) throws IOException {
                f.truncate(size);
            }

            @Override
            public long nextRegionOffset(long offset, RegionType type) throws IOException {
                return f.nextRegionOffset(offset, type);
            }

            @Override
            public void close() throws IOException {
                open.decrementAndGet();
                f.close();
            }
        };
    }

    @Override
    public void close() {
    }
}
