package dev.cairn.tier;

import dev.cairn.spi.store.Blob;
import dev.cairn.spi.store.BlobSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A copy of a blob read from a slower tier, kept while it is written into the faster ones: in memory up to
 * {@value #MEMORY_LIMIT} bytes, else in a temporary file (a 2 GiB blob never sits in memory). Deleted on close.
 */
final class SpooledBlob implements BlobSource, AutoCloseable {
    static final long MEMORY_LIMIT = 1 << 20;

    private final long size;
    private final byte[] bytes;
    private final Path file;

    private SpooledBlob(long size, byte[] bytes, Path file) {
        this.size = size;
        this.bytes = bytes;
        this.file = file;
    }

    /** Reads the whole blob, then closes it. */
    static SpooledBlob copy(Blob blob) throws IOException {
        try (blob; InputStream in = blob.stream()) {
            long size = blob.size();
            if (size <= MEMORY_LIMIT) {
                byte[] b = in.readAllBytes();
                if (b.length != size) {
                    throw new IOException("blob has " + b.length + " bytes, not the announced " + size);
                }
                return new SpooledBlob(size, b, null);
            }
            Path tmp = Files.createTempFile("cairn-tier-fill", ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                long n = in.transferTo(out);
                if (n != size) {
                    throw new IOException("blob has " + n + " bytes, not the announced " + size);
                }
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
            return new SpooledBlob(size, null, tmp);
        }
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public InputStream open() throws IOException {
        return bytes != null ? new ByteArrayInputStream(bytes) : Files.newInputStream(file);
    }

    /** @return a blob over this copy that deletes it when closed */
    Blob asBlob() {
        return new Blob() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream stream() throws IOException {
                return open();
            }

            @Override
            public void close() throws IOException {
                SpooledBlob.this.close();
            }
        };
    }

    @Override
    public void close() throws IOException {
        if (file != null) {
            Files.deleteIfExists(file);
        }
    }
}
