package dev.cairn.tier;

import dev.cairn.spi.store.BlobSource;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Wraps a caller's {@link BlobSource} so that a failure of the source (the client went away, or it yields more or
 * fewer bytes than it declared) is recorded: the tiered store must not mistake it for an outage of the tier that
 * was reading it.
 */
final class CheckedSource implements BlobSource {
    private final String name;
    private final BlobSource delegate;
    private final AtomicReference<IOException> failure;

    CheckedSource(String name, BlobSource delegate, AtomicReference<IOException> failure) {
        this.name = Objects.requireNonNull(name, "name is null");
        this.delegate = Objects.requireNonNull(delegate, "delegate is null");
        this.failure = Objects.requireNonNull(failure, "failure is null");
    }

    @Override
    public long size() {
        return delegate.size();
    }

    @Override
    public InputStream open() throws IOException {
        try {
            return new Counting(delegate.open(), delegate.size());
        } catch (IOException e) {
            throw record(e);
        }
    }

    private IOException record(IOException e) {
        failure.compareAndSet(null, e);
        return e;
    }

    private final class Counting extends FilterInputStream {
        private final long expected;
        private long count;
        private boolean endChecked;

        Counting(InputStream in, long expected) {
            super(in);
            this.expected = expected;
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
                throw record(e);
            }
            if (n < 0) {
                throw record(new IOException("blob '" + name + "' ended after " + count + " of its declared "
                        + expected + " bytes"));
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
                    throw record(e);
                }
                if (extra >= 0) {
                    throw record(new IOException("blob '" + name + "' has more than its declared " + expected
                            + " bytes"));
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
        public int available() throws IOException {
            return (int) Math.min(super.available(), expected - count);
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
