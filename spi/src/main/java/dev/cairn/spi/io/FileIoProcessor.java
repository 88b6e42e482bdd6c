package dev.cairn.spi.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Positional I/O on one open file, in a mode chosen by configuration ({@code io.mode}). In {@code direct} mode
 * (O_DIRECT) offsets, lengths and buffer addresses must be multiples of {@link #alignment()}; anything else is an
 * {@link IllegalArgumentException}, never a silent fallback to buffered I/O. Use {@link #allocate(int)} for buffers.
 */
public interface FileIoProcessor extends Closeable {
    /** @return the mode's name: {@code buffered} or {@code direct} */
    String mode();

    /** @return the alignment required of offsets, lengths and buffers: 1 when buffered, typically 4096 when direct */
    int alignment();

    /**
     * @param size buffer size in bytes
     * @return a buffer suitable for this processor (aligned in direct mode)
     */
    ByteBuffer allocate(int size);

    /**
     * @param dst buffer to fill
     * @param offset file position
     * @return bytes read, -1 at end of file
     * @throws IOException on failure
     */
    int readAt(ByteBuffer dst, long offset) throws IOException;

    /**
     * Writes all remaining bytes of {@code src}.
     *
     * @param src bytes to write
     * @param offset file position
     * @return bytes written
     * @throws IOException on failure
     */
    int writeAt(ByteBuffer src, long offset) throws IOException;

    /**
     * Deallocates a range, keeping the file's size (fallocate PUNCH_HOLE|KEEP_SIZE); the range then reads as zeros.
     *
     * @param offset start of the range
     * @param length length of the range
     * @throws IOException when the file system cannot punch holes
     */
    void punchHole(long offset, long length) throws IOException;

    /**
     * @return the file's data and hole intervals in order, covering {@code [0, size())}; empty for an empty file
     * @throws IOException when the layout cannot be read
     */
    List<Interval> dataLayout() throws IOException;

    /**
     * Flushes data and metadata to stable storage.
     *
     * @throws IOException on failure
     */
    void sync() throws IOException;

    /**
     * @param size new size
     * @throws IOException on failure
     */
    void truncate(long size) throws IOException;

    /**
     * @return the file's size
     * @throws IOException on failure
     */
    long size() throws IOException;
}
