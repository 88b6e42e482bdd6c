package dev.cairn.layerfs.stream;

import dev.cairn.layerfs.archive.ArchiveEndAware;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * Reads a file that another process is still appending to: at the current end it polls for more data, until the
 * archive inside has ended ({@link #archiveEnded()}) or nothing was appended for {@code idleTimeout}.
 */
public final class TailingFileInputStream extends InputStream implements ArchiveEndAware {
    private static final long POLL_MILLIS = 5;
    private static final long ENDED_GRACE_NANOS = 300_000_000L;
    private final FileChannel channel;
    private final Duration idleTimeout;
    private final Path file;
    private long position;
    private volatile boolean ended;

    /**
     * @param file the file being written
     * @param idleTimeout how long to wait at the end for more bytes before failing
     */
    public TailingFileInputStream(Path file, Duration idleTimeout) throws IOException {
        this.file = file;
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        this.idleTimeout = idleTimeout;
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
        long idleSince = System.nanoTime();
        while (true) {
            int n = channel.read(ByteBuffer.wrap(b, off, len), position);
            if (n > 0) {
                position += n;
                return n;
            }
            if (ended && System.nanoTime() - idleSince > ENDED_GRACE_NANOS) {
                // the archive ended and the file stopped growing: the writer's record padding, if any, is in
                return -1;
            }
            if (System.nanoTime() - idleSince > idleTimeout.toNanos()) {
                throw new IOException(file + " stopped growing for " + idleTimeout.toMillis() + " ms before the layer ended");
            }
            try {
                // a file being appended gives no notification: poll
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while tailing " + file);
            }
        }
    }

    @Override
    public void archiveEnded() {
        ended = true;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
