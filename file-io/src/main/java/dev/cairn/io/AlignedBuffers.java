package dev.cairn.io;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

import java.nio.ByteBuffer;

/** Direct buffers whose first byte sits on an alignment boundary, as O_DIRECT requires. */
final class AlignedBuffers {
    private AlignedBuffers() {
    }

    /**
     * @param size capacity of the returned buffer
     * @param alignment a power of two
     * @return a direct buffer of exactly {@code size} bytes, its address a multiple of {@code alignment}
     */
    static ByteBuffer allocate(int size, int alignment) {
        if (Integer.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two: " + alignment);
        }
        if (size > Integer.MAX_VALUE - alignment) {
            throw new IllegalArgumentException("buffer too large: " + size);
        }
        ByteBuffer raw = ByteBuffer.allocateDirect(size + alignment);
        long address = Pointer.nativeValue(Native.getDirectBufferPointer(raw));
        int skip = (int) ((alignment - (address & (alignment - 1))) & (alignment - 1));
        return raw.slice(skip, size);
    }
}
