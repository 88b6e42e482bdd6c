package dev.cairn.cache.s3;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Passes through exactly the bytes a {@link dev.cairn.spi.store.BlobSource} promised and fails when it yields more
 * or fewer. Failures are also recorded, because the SDK wraps them in transport errors that would otherwise read as
 * "S3 is down".
 */
final class SizedInputStream extends FilterInputStream {
    private final long expected;
    private final AtomicReference<IOException> failure;
    private final String what;
    private long count;
    private boolean endChecked;

    SizedInputStream(InputStream in, long expected, String what, AtomicReference<IOException> failure) {
        super(in);
        this.expected = expected;
        this.what = what;
        this.failure = failure;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (count == expected) {
            checkEnd();
            return -1;
        }
        int n;
        try {
            n = in.read(b, off, (int) Math.min(len, expected - count));
        } catch (IOException e) {
            throw record(e);
        }
        if (n < 0) {
            throw record(new IOException(what + " ended after " + count + " of its " + expected + " bytes"));
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
            if (in.read() >= 0) {
                throw record(new IOException(what + " has more than its declared " + expected + " bytes"));
            }
        }
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
    public boolean markSupported() {
        return false;
    }

    private IOException record(IOException e) {
        failure.compareAndSet(null, e);
        return e;
    }
}
