package dev.cairn.layerfs;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;

/** An input stream the test feeds piece by piece, to drive the arrival of a layer stream without sleeping. */
public final class FeedStream extends InputStream {
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private byte[] current = new byte[0];
    private int pos;
    private boolean ended;

    public synchronized void feed(byte[] bytes, int from, int to) {
        chunks.add(java.util.Arrays.copyOfRange(bytes, from, to));
        notifyAll();
    }

    public synchronized void end() {
        ended = true;
        notifyAll();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws IOException {
        while (pos == current.length) {
            if (!chunks.isEmpty()) {
                current = chunks.poll();
                pos = 0;
                continue;
            }
            if (ended) {
                return -1;
            }
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException();
            }
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public synchronized void close() {
        ended = true;
        notifyAll();
    }
}
