package dev.cairn.fuse.builddir;

import dev.cairn.spi.pool.FilePool;
import dev.cairn.spi.pool.PoolFile;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A regular file. Until first read it is only its manifest digest and size (stat needs nothing more); a read
 * fetches the content once into the {@link InputCache}; the first write or truncate copies it into a pool file,
 * which then holds every change the build makes. Content operations synchronize on the node, so they never hold
 * the tree lock while the store is slow.
 */
final class FileNode extends Node {
    /** Digest of the manifest content, until the file is copied into the pool. */
    private String digest;
    private InputCache.Extent cached;
    private volatile long size;
    private PoolFile data;
    /** Open handles; the content is freed when the last name and the last handle are gone. Tree lock. */
    int openHandles;

    FileNode(long ino, int mode, long uid, long gid, long nowNanos, String digest, long size) {
        super(ino, mode, uid, gid, nowNanos);
        this.digest = digest;
        this.size = size;
    }

    @Override
    int typeBits() {
        return 0100000;
    }

    @Override
    long size() {
        return size;
    }

    /** Copies the content into a pool file, once, before the first change. */
    private void materialize(InputCache inputs, FilePool pool) throws IOException {
        if (data != null) {
            return;
        }
        PoolFile file = pool.newFile();
        if (digest != null) {
            try {
                InputCache.Extent extent = cached != null ? cached : inputs.fetch(digest, size);
                ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
                long at = 0;
                int n;
                while ((n = inputs.read(extent, buffer.clear(), at)) > 0) {
                    file.writeAt(buffer.flip(), at);
                    at += n;
                }
            } catch (IOException | RuntimeException e) {
                file.close();
                throw e;
            }
            digest = null;
            cached = null;
        }
        data = file;
    }

    synchronized int read(ByteBuffer dst, long offset, InputCache inputs) throws IOException {
        if (offset >= size) {
            return 0;
        }
        if (data == null) {
            if (digest == null) {
                return 0; // empty file never written
            }
            if (cached == null) {
                cached = inputs.fetch(digest, size);
            }
            return inputs.read(cached, dst, offset);
        }
        int total = 0;
        while (dst.hasRemaining()) {
            int n = data.readAt(dst, offset + total);
            if (n <= 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    synchronized void write(ByteBuffer src, long offset, InputCache inputs, FilePool pool) throws IOException {
        materialize(inputs, pool);
        int n = src.remaining();
        data.writeAt(src, offset);
        size = Math.max(size, offset + n);
    }

    synchronized void truncate(long newSize, InputCache inputs, FilePool pool) throws IOException {
        if (newSize == 0 && data == null) {
            digest = null; // nothing to fetch: the content is being thrown away
            cached = null;
        } else {
            materialize(inputs, pool);
            data.truncate(newSize);
        }
        size = newSize;
    }

    synchronized void release() throws IOException {
        PoolFile file = data;
        data = null;
        if (file != null) {
            file.close();
        }
    }
}
