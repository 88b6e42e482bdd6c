package dev.cairn.spi.store;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Passes through exactly the bytes a {@link BlobSource} declared and fails when the source ends early or has more.
 * Every store must refuse such a source (see {@link Store#put}); this is the one check stores share. Failures of the
 * source, its own I/O errors included, are also reported to a listener, so a store that hands the stream to a
 * client library (which may wrap the error) can still tell "the caller's source failed" from "my back end failed".
 */
public final class ExactLengthInputStream extends FilterInputStream {
    private final long expected;
    private final String what;
    private final Consumer<? super IOException> onFailure;
    private long count;
    private boolean endChecked;

    /**
     * @param in the source's stream
     * @param expected the declared size
     * @param what names the source in messages, e.g. {@code blob 'output'}
     * @param onFailure told of every failure of the source before it is thrown
     */
    public ExactLengthInputStream(InputStream in, long expected, String what, Consumer<? super IOException> onFailure) {
        super(Objects.requireNonNull(in, "in is null"));
        if (expected < 0) {
            throw new IllegalArgumentException("negative size " + expected);
        }
        this.expected = expected;
        this.what = Objects.requireNonNull(what, "what is null");
        this.onFailure = Objects.requireNonNull(onFailure, "onFailure is null");
    }

    /**
     * @param source a blob source
     * @param what names it in messages
     * @return its stream, checked against its declared size
     * @throws IOException when the source cannot be opened
     */
    public static ExactLengthInputStream open(BlobSource source, String what) throws IOException {
        return new ExactLengthInputStream(source.open(), source.size(), what, e -> { });
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
        if (count == expected) {
            checkEnd();
            return -1;
        }
        int n;
        try {
            n = in.read(b, off, (int) Math.min(len, expected - count));
        } catch (IOException e) {
            throw failed(e);
        }
        if (n < 0) {
            throw failed(new IOException(what + " ended after " + count + " of its declared " + expected + " bytes"));
        }
        count += n;
        if (count == expected) {
            checkEnd();
        }
        return n;
    }

    private void checkEnd() throws IOException {
        if (!endChecked) {
            endChecked = true;
            int extra;
            try {
                extra = in.read();
            } catch (IOException e) {
                throw failed(e);
            }
            if (extra >= 0) {
                throw failed(new IOException(what + " has more than its declared " + expected + " bytes"));
            }
        }
    }

    private IOException failed(IOException e) {
        onFailure.accept(e);
        return e;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[8192];
        long done = 0;
        while (done < n) {
            int r = read(buf, 0, (int) Math.min(buf.length, n - done));
            if (r < 0) {
                break;
            }
            done += r;
        }
        return done;
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(super.available(), expected - count);
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
