package dev.cairn.cache.disk;

import dev.cairn.spi.store.Blob;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

import static java.util.Objects.requireNonNull;

/**
 * One blob of an open entry file: a byte range read with positional reads, so the open file stays readable after the
 * entry is evicted or replaced.
 */
final class EntryBlob implements Blob {
    private final FileChannel channel;
    private final long offset;
    private final long size;
    private boolean streamed;

    EntryBlob(FileChannel channel, long offset, long size) {
        this.channel = requireNonNull(channel, "channel is null");
        this.offset = offset;
        this.size = size;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public synchronized InputStream stream() throws IOException {
        if (streamed) {
            throw new IllegalStateException("stream() may be called once");
        }
        if (!channel.isOpen()) {
            throw new IOException("blob is closed");
        }
        streamed = true;
        return new RangeStream();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private final class RangeStream extends InputStream {
        private long position;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            long left = size - position;
            if (left <= 0) {
                return -1;
            }
            int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, left)), offset + position);
            if (n < 0) {
                throw new IOException("entry file shorter than its header says");
            }
            position += n;
            return n;
        }

        @Override
        public long skip(long n) {
            long skipped = Math.max(0, Math.min(n, size - position));
            position += skipped;
            return skipped;
        }

        @Override
        public int available() {
            return (int) Math.min(Integer.MAX_VALUE, size - position);
        }

        @Override
        public long transferTo(java.io.OutputStream out) throws IOException {
            byte[] buf = new byte[(int) Math.min(256 * 1024, Math.max(1, size - position))];
            long total = 0;
            int n;
            while ((n = read(buf, 0, buf.length)) != -1) {
                out.write(buf, 0, n);
                total += n;
            }
            return total;
        }

        @Override
        public void close() throws IOException {
            EntryBlob.this.close();
        }
    }
}
