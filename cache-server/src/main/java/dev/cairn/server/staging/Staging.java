package dev.cairn.server.staging;

import dev.cairn.spi.store.BlobTooLargeException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Where request bodies wait until they are complete and verified: a file pool or temporary files. Bodies smaller
 * than one 64 KiB chunk stay on the heap, and so do bodies of a declared length up to {@link #MEMORY_BLOB} while
 * all such bodies together stay within {@link #MEMORY_TOTAL} (the store then writes them once, rather than once to
 * staging and again into the store). Nothing staged is ever visible in the store; a failed or aborted upload frees
 * what it had staged.
 */
public abstract class Staging implements AutoCloseable {
    static final int CHUNK = 64 * 1024;
    /** Bodies of a declared length up to this are staged on the heap while {@link #MEMORY_TOTAL} allows. */
    public static final int MEMORY_BLOB = 4 << 20;
    /** The most heap held by bodies staged on the heap above one chunk; more go to the file pool or temp files. */
    public static final long MEMORY_TOTAL = 64L << 20;

    private final java.util.concurrent.atomic.AtomicLong memoryUsed = new java.util.concurrent.atomic.AtomicLong();

    /**
     * Copies a request body of a declared length into staging: on the heap when it is at most {@link #MEMORY_BLOB}
     * and the heap budget has room, else as {@link #stage(InputStream, long, boolean)}.
     *
     * @param in the body; read to its end
     * @param length the declared length (Content-Length), or -1 when unknown
     * @param limit the most bytes accepted, 0 for no limit
     * @param sha256 whether to compute the content's SHA-256
     * @return the staged upload (the caller closes it); its size may differ from {@code length} when the body did
     * @throws BlobTooLargeException when the body exceeds {@code limit}; nothing stays staged
     * @throws IOException when the body cannot be read (client went away) or staging fails; nothing stays staged
     */
    public final StagedUpload stage(InputStream in, long length, long limit, boolean sha256) throws IOException {
        if (length <= CHUNK || length > MEMORY_BLOB) {
            return stage(in, limit, sha256);
        }
        checkLimit(length, limit);
        if (memoryUsed.addAndGet(length) > MEMORY_TOTAL) {
            memoryUsed.addAndGet(-length);
            return stage(in, limit, sha256);
        }
        boolean ok = false;
        try {
            byte[] bytes = in.readNBytes((int) length);
            if (in.read() != -1) {
                throw new IOException("body is longer than its declared " + length + " bytes");
            }
            MessageDigest md = sha256 ? sha256() : null;
            String hash = null;
            if (md != null) {
                md.update(bytes);
                hash = HexFormat.of().formatHex(md.digest());
            }
            // A short body keeps its full charge until closed: the handler refuses it at once.
            StagedUpload up = new ChargedUpload(bytes, hash, length);
            ok = true;
            return up;
        } finally {
            if (!ok) {
                memoryUsed.addAndGet(-length);
            }
        }
    }

    /** @return bytes of bodies staged on the heap above one chunk, right now */
    public long memoryBytes() {
        return memoryUsed.get();
    }

    /** A body staged on the heap under the budget; closing returns its charge once. */
    private final class ChargedUpload implements StagedUpload {
        private final byte[] bytes;
        private final String sha256;
        private final long charge;
        private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

        ChargedUpload(byte[] bytes, String sha256, long charge) {
            this.bytes = bytes;
            this.sha256 = sha256;
            this.charge = charge;
        }

        @Override
        public String sha256() {
            return sha256;
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public InputStream open() {
            return new ByteArrayInputStream(bytes);
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                memoryUsed.addAndGet(-charge);
            }
        }
    }

    /**
     * Copies a request body into staging.
     *
     * @param in the body; read to its end
     * @param limit the most bytes accepted, 0 for no limit
     * @param sha256 whether to compute the content's SHA-256
     * @return the staged upload (the caller closes it)
     * @throws BlobTooLargeException when the body exceeds {@code limit}; nothing stays staged
     * @throws IOException when the body cannot be read (client went away) or staging fails; nothing stays staged
     */
    public final StagedUpload stage(InputStream in, long limit, boolean sha256) throws IOException {
        MessageDigest md = sha256 ? sha256() : null;
        byte[] buf = new byte[CHUNK];
        int n = in.readNBytes(buf, 0, buf.length);
        checkLimit(n, limit);
        if (md != null) {
            md.update(buf, 0, Math.max(n, 0));
        }
        if (n < buf.length) {
            // The whole body fit in the first chunk: small uploads (most ccache entries) skip the file system.
            return new MemoryUpload(Arrays.copyOf(buf, n), md == null ? null : HexFormat.of().formatHex(md.digest()));
        }
        Sink sink = newSink();
        boolean ok = false;
        try {
            long total = n;
            sink.write(buf, n);
            while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
                total += n;
                checkLimit(total, limit);
                if (md != null) {
                    md.update(buf, 0, n);
                }
                sink.write(buf, n);
            }
            StagedUpload staged = sink.finish(md == null ? null : HexFormat.of().formatHex(md.digest()));
            ok = true;
            return staged;
        } finally {
            if (!ok) {
                sink.abort();
            }
        }
    }

    private static void checkLimit(long total, long limit) throws BlobTooLargeException {
        if (limit > 0 && total > limit) {
            throw new BlobTooLargeException("upload exceeds the maximum blob size of " + limit + " bytes");
        }
    }

    /** A body of less than one chunk, kept on the heap. */
    private record MemoryUpload(byte[] bytes, String sha256) implements StagedUpload {
        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public InputStream open() {
            return new ByteArrayInputStream(bytes);
        }

        @Override
        public void close() {
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /** @return a fresh place to write one upload into */
    abstract Sink newSink() throws IOException;

    /** @return number of uploads staged right now (for status) */
    public abstract long inFlight();

    /** @return a short description for status, e.g. {@code temp:/tmp/cairn-staging-1} */
    public abstract String describe();

    /** Releases the staging area. */
    @Override
    public abstract void close() throws IOException;

    /** One upload being written. */
    interface Sink {
        void write(byte[] buf, int len) throws IOException;

        StagedUpload finish(String sha256) throws IOException;

        /** Frees everything written; never throws. */
        void abort();
    }
}
