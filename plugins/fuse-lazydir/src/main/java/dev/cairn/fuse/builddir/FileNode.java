package dev.cairn.fuse.builddir;

import dev.cairn.spi.pool.FilePool;
import dev.cairn.spi.pool.PoolFile;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A regular file. Until first read or write it is only its manifest digest and size (stat needs nothing more);
 * then its content is fetched once into a pool file, which also receives every write the build makes. Content
 * operations synchronize on the node, so concurrent first reads fetch once, without holding the tree lock.
 */
final class FileNode extends Node {
    private String digest;
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

    /** @return whether the content still has to come from the store */
    synchronized boolean pending() {
        return digest != null;
    }

    private void materialize(ContentSource source, FilePool pool) throws IOException {
        if (data != null) {
            return;
        }
        PoolFile file = pool.newFile();
        if (digest != null) {
            try {
                source.copyInto(digest, size, file);
            } catch (IOException | RuntimeException e) {
                file.close();
                throw e;
            }
            digest = null;
        }
        data = file;
    }

    synchronized int read(ByteBuffer dst, long offset, ContentSource source, FilePool pool) throws IOException {
        if (offset >= size) {
            return 0;
        }
        if (data == null && digest == null) {
            return 0; // empty file never written
        }
        materialize(source, pool);
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

    synchronized void write(ByteBuffer src, long offset, ContentSource source, FilePool pool) throws IOException {
        materialize(source, pool);
        int n = src.remaining();
        data.writeAt(src, offset);
        size = Math.max(size, offset + n);
    }

    synchronized void truncate(long newSize, ContentSource source, FilePool pool) throws IOException {
        if (newSize == 0 && data == null) {
            digest = null; // nothing to fetch: the content is being thrown away
        } else {
            materialize(source, pool);
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
