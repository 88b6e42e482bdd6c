package dev.cairn.pool.block;

import dev.cairn.spi.io.FileIoProcessor;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Byte-range reads and writes on the backing store through a {@link FileIoProcessor}. When the processor needs
 * aligned I/O (direct mode) unaligned ranges go through an aligned bounce buffer, reading back the partial blocks at
 * either end first; the pool only ever does that inside sectors a file owns.
 */
final class SectorDevice {
    private static final int CHUNK = 1 << 20;

    private static final int KEPT_BUFFERS = 8;

    private final FileIoProcessor io;
    private final int alignment;
    /** Aligned bounce buffers of {@link #CHUNK} bytes, kept for reuse: allocating them per call costs ~10%. */
    private final ConcurrentLinkedDeque<ByteBuffer> buffers = new ConcurrentLinkedDeque<>();
    private final AtomicInteger kept = new AtomicInteger();

    SectorDevice(FileIoProcessor io) {
        this.io = Objects.requireNonNull(io, "io is null");
        this.alignment = io.alignment();
    }

    int alignment() {
        return alignment;
    }

    FileIoProcessor io() {
        return io;
    }

    /** Fills {@code dst} completely from {@code offset}. */
    void read(ByteBuffer dst, long offset) throws IOException {
        if (alignment == 1) {
            readFully(dst, offset);
            return;
        }
        while (dst.hasRemaining()) {
            long start = offset - offset % alignment;
            int head = (int) (offset - start);
            int length = (int) Math.min(dst.remaining(), CHUNK - head);
            int span = roundUp(head + length);
            ByteBuffer bounce = borrow();
            try {
                bounce.limit(span);
                readFully(bounce, start);
                bounce.position(head).limit(head + length);
                dst.put(bounce);
            } finally {
                release(bounce);
            }
            offset += length;
        }
    }

    /** Writes all of {@code src} at {@code offset}. */
    void write(ByteBuffer src, long offset) throws IOException {
        if (alignment == 1) {
            while (src.hasRemaining()) {
                offset += io.writeAt(src, offset);
            }
            return;
        }
        while (src.hasRemaining()) {
            long start = offset - offset % alignment;
            int head = (int) (offset - start);
            int length = (int) Math.min(src.remaining(), CHUNK - head);
            int span = roundUp(head + length);
            ByteBuffer bounce = borrow();
            try {
                if (head != 0) {
                    bounce.limit(alignment);
                    readFully(bounce, start);
                }
                if ((head + length) % alignment != 0 && (head == 0 || span > alignment)) {
                    bounce.limit(span).position(span - alignment);
                    readFully(bounce, start + span - alignment);
                }
                bounce.clear().position(head);
                ByteBuffer slice = src.slice();
                slice.limit(length);
                bounce.put(slice);
                bounce.position(0).limit(span);
                while (bounce.hasRemaining()) {
                    io.writeAt(bounce, start + bounce.position());
                }
            } finally {
                release(bounce);
            }
            src.position(src.position() + length);
            offset += length;
        }
    }

    /** Writes {@code length} zero bytes at {@code offset}. */
    void zero(long offset, long length) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(length, CHUNK));
        while (length > 0) {
            zeros.clear().limit((int) Math.min(length, zeros.capacity()));
            int n = zeros.remaining();
            write(zeros, offset);
            offset += n;
            length -= n;
        }
    }

    private ByteBuffer borrow() {
        ByteBuffer b = buffers.pollFirst();
        if (b == null) {
            return io.allocate(CHUNK);
        }
        kept.decrementAndGet();
        return b.clear();
    }

    private void release(ByteBuffer b) {
        if (kept.incrementAndGet() <= KEPT_BUFFERS) {
            buffers.addFirst(b);
        } else {
            kept.decrementAndGet();
        }
    }

    private void readFully(ByteBuffer dst, long offset) throws IOException {
        while (dst.hasRemaining()) {
            int n = io.readAt(dst, offset);
            if (n < 0) {
                throw new EOFException("backing store ends at " + offset + " inside the pool's sectors");
            }
            offset += n;
        }
    }

    private int roundUp(int n) {
        return (n + alignment - 1) / alignment * alignment;
    }
}
