package dev.cairn.pool.block;

import dev.cairn.spi.io.FileIoProcessor;
import dev.cairn.spi.io.FileIoProcessorFactory;
import dev.cairn.spi.io.Interval;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test-local {@link FileIoProcessorFactory} over {@link FileChannel}, standing in for the host's I/O modes. It can
 * demand alignment as direct mode does (refusing unaligned offsets and lengths) and fail the n-th write.
 */
final class ChannelFileIo implements FileIoProcessorFactory {
    private final int alignment;
    /** Writes left before the next one fails; negative for never. */
    final AtomicInteger writesBeforeFailure = new AtomicInteger(-1);
    /** Every write as {@code offset+length}, in order. */
    final List<String> writes = new ArrayList<>();

    ChannelFileIo() {
        this(1);
    }

    ChannelFileIo(int alignment) {
        this.alignment = alignment;
    }

    @Override
    public String name() {
        return alignment == 1 ? "test-buffered" : "test-aligned";
    }

    @Override
    public FileIoProcessor open(Path path, Set<? extends OpenOption> options) throws IOException {
        FileChannel channel = FileChannel.open(path, options);
        return new FileIoProcessor() {
            @Override
            public String mode() {
                return name();
            }

            @Override
            public int alignment() {
                return alignment;
            }

            @Override
            public ByteBuffer allocate(int size) {
                return ByteBuffer.allocateDirect(size);
            }

            private void checkAligned(long offset, int length) {
                if (offset % alignment != 0 || length % alignment != 0) {
                    throw new IllegalArgumentException("unaligned I/O: " + offset + "+" + length);
                }
            }

            @Override
            public int readAt(ByteBuffer dst, long offset) throws IOException {
                checkAligned(offset, dst.remaining());
                return channel.read(dst, offset);
            }

            @Override
            public int writeAt(ByteBuffer src, long offset) throws IOException {
                checkAligned(offset, src.remaining());
                synchronized (writes) {
                    writes.add(offset + "+" + src.remaining());
                }
                if (writesBeforeFailure.getAndDecrement() == 0) {
                    throw new IOException("injected write failure at " + offset);
                }
                int n = 0;
                while (src.hasRemaining()) {
                    n += channel.write(src, offset + n);
                }
                return n;
            }

            @Override
            public void punchHole(long offset, long length) {
                throw new UnsupportedOperationException("punchHole");
            }

            @Override
            public List<Interval> dataLayout() throws IOException {
                long size = channel.size();
                return size == 0 ? List.of() : List.of(new Interval(0, size, Interval.Kind.DATA));
            }

            @Override
            public void sync() throws IOException {
                channel.force(true);
            }

            @Override
            public void truncate(long size) throws IOException {
                if (size < channel.size()) {
                    channel.truncate(size);
                } else if (size > channel.size()) {
                    // Grow sparsely: one byte at the end.
                    channel.write(ByteBuffer.allocate(1), size - 1);
                }
            }

            @Override
            public long size() throws IOException {
                return channel.size();
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }
}
