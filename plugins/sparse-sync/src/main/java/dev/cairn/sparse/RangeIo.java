package dev.cairn.sparse;

import dev.cairn.spi.io.FileIoProcessor;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads and writes byte ranges through a {@link FileIoProcessor} in either mode: buffers come from
 * {@link FileIoProcessor#allocate(int)} and reads that end at the end of the file are rounded up to the alignment
 * (a short read there is how O_DIRECT reads a file's unaligned tail).
 */
final class RangeIo {
    private RangeIo() {
    }

    /**
     * @param io the file
     * @param offset start, a multiple of the processor's alignment
     * @param length bytes wanted; the range must lie within the file
     * @return a buffer holding exactly {@code length} bytes (position 0)
     * @throws IOException when the file is shorter than the range
     */
    static ByteBuffer read(FileIoProcessor io, long offset, int length) throws IOException {
        int align = io.alignment();
        int rounded = (int) ((length + (long) align - 1) / align * align);
        ByteBuffer buf = io.allocate(rounded);
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
     * @param bytes what to write
     * @throws IOException on failure
     */
    static void write(FileIoProcessor io, long offset, byte[] bytes, int from, int length) throws IOException {
        ByteBuffer buf = io.allocate(length);
        buf.put(bytes, from, length).flip();
        io.writeAt(buf, offset);
    }
}
