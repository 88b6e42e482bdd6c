package dev.cairn.server.staging;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stages uploads in temporary files ({@code upload-*.part}) of one directory. A configured directory is swept of
 * leftovers from a crash at start; a directory the staging made itself is removed on close.
 */
public final class TempFileStaging extends Staging {
    private static final Logger LOG = LoggerFactory.getLogger(TempFileStaging.class);

    private final Path dir;
    private final boolean owned;
    private final AtomicLong inFlight = new AtomicLong();

    private TempFileStaging(Path dir, boolean owned) {
        this.dir = dir;
        this.owned = owned;
    }

    /**
     * @param dir the staging directory, created if missing and swept of old {@code upload-*.part} files; null
     *     creates a fresh directory under the system temporary directory
     * @return the staging
     * @throws IOException when the directory cannot be created or swept
     */
    public static TempFileStaging open(Path dir) throws IOException {
        if (dir == null) {
            return new TempFileStaging(Files.createTempDirectory("cairn-staging-"), true);
        }
        Files.createDirectories(dir);
        int swept = 0;
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(dir, "upload-*.part")) {
            for (Path p : leftovers) {
                Files.deleteIfExists(p);
                swept++;
            }
        }
        if (swept > 0) {
            LOG.info("removed {} unfinished uploads left in {}", swept, dir);
        }
        return new TempFileStaging(dir, false);
    }

    /** @return the directory files are staged in */
    public Path dir() {
        return dir;
    }

    @Override
    Sink newSink() throws IOException {
        Path file = Files.createTempFile(dir, "upload-", ".part");
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.WRITE);
        } catch (IOException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        inFlight.incrementAndGet();
        return new FileSink(file, ch);
    }

    private final class FileSink implements Sink {
        private final Path file;
        private final FileChannel ch;
        private boolean released;

        FileSink(Path file, FileChannel ch) {
            this.file = file;
            this.ch = ch;
        }

        @Override
        public void write(byte[] buf, int len) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(buf, 0, len);
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }

        @Override
        public StagedUpload finish(String sha256) throws IOException {
            long size = ch.size();
            ch.close();
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
                public InputStream open() throws IOException {
                    return Files.newInputStream(file);
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
                ch.close();
            } catch (IOException e) {
                LOG.warn("closing staged upload {} failed: {}", file, e.toString());
            }
            try {
                release();
            } catch (IOException e) {
                LOG.warn("removing staged upload {} failed: {}", file, e.toString());
            }
        }

        private synchronized void release() throws IOException {
            if (!released) {
                released = true;
                inFlight.decrementAndGet();
                Files.deleteIfExists(file);
            }
        }
    }

    @Override
    public long inFlight() {
        return inFlight.get();
    }

    @Override
    public String describe() {
        return "temp:" + dir;
    }

    @Override
    public void close() throws IOException {
        if (owned) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path p : files) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }
}
