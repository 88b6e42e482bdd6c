package dev.cairn.sparse;

import dev.cairn.spi.io.FileIoProcessor;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads and writes byte ranges through a {@link FileIoProcessor} in either mode: buffers come from
 * {@link FileIoProcessor#allocate(int)} and reads that end at the end of the file are rounded up to the alignment
 * (a short read there is how O_DIRECT reads a file's unaligned tail). Buffers are reused per thread: allocating a
 * direct buffer per 2 MiB batch would leave reclaiming native memory to the garbage collector.
 */
final class RangeIo {
    private static final ThreadLocal<ByteBuffer[]> BUFFERS = ThreadLocal.withInitial(() -> new ByteBuffer[2]);

    private RangeIo() {
    }

    /** @return a per-thread buffer of at least {@code size} bytes from the processor (slot 0 reads, 1 writes) */
    private static ByteBuffer buffer(FileIoProcessor io, int slot, int size) {
        ByteBuffer[] mine = BUFFERS.get();
        ByteBuffer b = mine[slot];
        // A buffer aligned for the strictest mode serves every mode: 4096-aligned addresses are also 1-aligned.
        if (b == null || b.capacity() < size || b.alignmentOffset(0, io.alignment()) != 0) {
            b = io.allocate(Math.max(size, 1 << 20));
            mine[slot] = b;
        }
        return b.clear();
    }

    /**
     * @param io the file
     * @param offset start, a multiple of the processor's alignment
     * @param length bytes wanted; the range must lie within the file
     * @return a buffer holding exactly {@code length} bytes (position 0), valid until this thread's next read
     * @throws IOException when the file is shorter than the range
     */
    static ByteBuffer read(FileIoProcessor io, long offset, int length) throws IOException {
        int align = io.alignment();
        int rounded = (int) ((length + (long) align - 1) / align * align);
        ByteBuffer buf = buffer(io, 0, rounded);
        int total = 0;
        while (total < length) {
            buf.limit(rounded).position(total);
            int n = io.readAt(buf, offset + total);
            if (n < 0) {
                throw new IOException("unexpected end of file at " + (offset + total) + " while reading " + offset + "+"
                        + length);
            }
            total += n;
        }
        buf.position(0).limit(length);
        return buf;
    }

    /**
     * @param io the file
     * @param offset where to write
     * @param bytes what to write: {@code length} bytes from {@code from}
     * @throws IOException on failure
     */
    static void write(FileIoProcessor io, long offset, byte[] bytes, int from, int length) throws IOException {
        ByteBuffer buf = buffer(io, 1, length);
        buf.put(bytes, from, length).flip();
        io.writeAt(buf, offset);
    }

    /**
     * @param io the file
     * @param offset where to write
     * @param src what to write (all remaining bytes)
     * @throws IOException on failure
     */
    static void write(FileIoProcessor io, long offset, ByteBuffer src) throws IOException {
        ByteBuffer buf = buffer(io, 1, src.remaining());
        buf.put(src).flip();
        io.writeAt(buf, offset);
    }
}
