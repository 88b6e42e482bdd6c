package dev.cairn.cache.disk;

import dev.cairn.spi.store.Blob;

import java.io.ByteArrayInputStream;
import java.io.InputStream;

/** A small blob served from bytes already read (one read of the whole entry file, or the small-entry cache). */
final class MemoryBlob implements Blob {
    private final byte[] bytes;
    private final int offset;
    private final int size;
    private boolean streamed;

    MemoryBlob(byte[] bytes, int offset, int size) {
        this.bytes = bytes;
        this.offset = offset;
        this.size = size;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public synchronized InputStream stream() {
        if (streamed) {
            throw new IllegalStateException("stream() may be called once");
        }
        streamed = true;
        return new ByteArrayInputStream(bytes, offset, size);
    }

    @Override
    public void close() {
    }
}
