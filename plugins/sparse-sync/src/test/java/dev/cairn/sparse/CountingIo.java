package dev.cairn.sparse;

import dev.cairn.spi.io.FileIoProcessor;
import dev.cairn.spi.io.FileIoProcessorFactory;
import dev.cairn.spi.io.Interval;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/** A fake I/O mode decorating a real one: counts the bytes read through it. */
final class CountingIo implements FileIoProcessorFactory {
    private final FileIoProcessorFactory delegate;
    final AtomicLong bytesRead = new AtomicLong();

    CountingIo(FileIoProcessorFactory delegate) {
        this.delegate = delegate;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public FileIoProcessor open(Path path, Set<? extends OpenOption> options) throws IOException {
        FileIoProcessor p = delegate.open(path, options);
        return new FileIoProcessor() {
            @Override
            public String mode() {
                return p.mode();
            }

            @Override
            public int alignment() {
                return p.alignment();
            }

            @Override
            public ByteBuffer allocate(int size) {
                return p.allocate(size);
            }

            @Override
            public int readAt(ByteBuffer dst, long offset) throws IOException {
                int n = p.readAt(dst, offset);
                bytesRead.addAndGet(Math.max(0, n));
                return n;
            }

            @Override
            public int writeAt(ByteBuffer src, long offset) throws IOException {
                return p.writeAt(src, offset);
            }

            @Override
            public void punchHole(long offset, long length) throws IOException {
                p.punchHole(offset, length);
            }

            @Override
            public List<Interval> dataLayout() throws IOException {
                return p.dataLayout();
            }

            @Override
            public void sync() throws IOException {
                p.sync();
            }

            @Override
            public void truncate(long size) throws IOException {
                p.truncate(size);
            }

            @Override
            public long size() throws IOException {
                return p.size();
            }

            @Override
            public void close() throws IOException {
                p.close();
            }
        };
    }
}
