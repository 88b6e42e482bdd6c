package dev.cairn.server.staging;

import dev.cairn.spi.pool.FilePool;
import dev.cairn.spi.pool.PoolFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/** Stages uploads in files of the host's {@link FilePool}; closing a pool file frees its sectors. */
public final class PoolStaging extends Staging {
    private static final Logger LOG = LoggerFactory.getLogger(PoolStaging.class);

    private final FilePool pool;
    private final AtomicLong inFlight = new AtomicLong();

    /** @param pool the pool to stage into; not closed by this staging (the host owns it) */
    public PoolStaging(FilePool pool) {
        this.pool = Objects.requireNonNull(pool, "pool is null");
    }

    @Override
    Sink newSink() throws IOException {
        PoolFile file = pool.newFile();
        inFlight.incrementAndGet();
        return new Sink() {
            private long offset;
            private boolean released;

            @Override
            public void write(byte[] buf, int len) throws IOException {
                file.writeAt(ByteBuffer.wrap(buf, 0, len), offset);
                offset += len;
            }

            @Override
            public StagedUpload finish(String sha256) {
                long size = offset;
                return new StagedUpload() {
                    @Override
                    public String sha256() {
                        return sha256;
                    }

                    @Override
                    public long size() {
                        return size;
                    }

                    @Override
                    public InputStream open() {
                        return new PoolFileInputStream(file, size);
                    }

                    @Override
                    public void close() throws IOException {
                        release();
                    }
                };
            }

            @Override
            public void abort() {
                try {
                    release();
                } catch (IOException e) {
                    LOG.warn("freeing a staged upload in the file pool failed: {}", e.toString());
                }
            }

            private synchronized void release() throws IOException {
                if (!released) {
                    released = true;
                    inFlight.decrementAndGet();
                    file.close();
                }
            }
        };
    }

    @Override
    public long inFlight() {
        return inFlight.get();
    }

    @Override
    public String describe() {
        return "pool";
    }

    @Override
    public void close() {
    }

    /** Reads a pool file sequentially. */
    private static final class PoolFileInputStream extends InputStream {
        private final PoolFile file;
        private final long size;
        private long pos;

        PoolFileInputStream(PoolFile file, long size) {
            this.file = file;
            this.size = size;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (pos >= size) {
                return -1;
            }
            int want = (int) Math.min(len, size - pos);
            int n = file.readAt(ByteBuffer.wrap(b, off, want), pos);
            if (n < 0) {
                return -1;
            }
            pos += n;
            return n;
        }
    }
}
