package dev.cairn.spi.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Content to write into a {@link Store}: a known size and a way to open it. A store may open it more than once
 * (for a retry), so sources must be re-readable.
 */
public interface BlobSource {
    /** @return the exact number of bytes {@link #open()} yields */
    long size();

    /**
     * @return a fresh stream over the content
     * @throws IOException when the content cannot be read
     */
    InputStream open() throws IOException;

    /**
     * @param bytes the content (not copied)
     * @return a source over an array
     */
    static BlobSource of(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes is null");
        return new BlobSource() {
            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public InputStream open() {
                return new ByteArrayInputStream(bytes);
            }
        };
    }

    /**
     * @param file a regular file that does not change while the source is used
     * @return a source over the file
     * @throws IOException when the file's size cannot be read
     */
    static BlobSource of(Path file) throws IOException {
        long size = Files.size(file);
        return new BlobSource() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream open() throws IOException {
                return Files.newInputStream(file);
            }
        };
    }
}
