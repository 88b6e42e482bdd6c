package dev.cairn.fuse.builddir;

import dev.cairn.dir.LocalDirectory;
import dev.cairn.spi.dir.Directory;
import dev.cairn.spi.dir.OpenFlag;
import dev.cairn.spi.store.BlobSource;
import dev.cairn.spi.store.Store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Uploads build outputs into the store's {@code source} namespace (key = SHA-256 hex, blob {@code content}, the
 * same layout inputs use, so an output can be the input of the next action). Outputs are read through the real
 * file system but component by component with {@link LocalDirectory}, so {@code ..}, absolute paths and symlinks
 * cannot make it upload a file from outside the build directory.
 */
final class OutputUploader {
    /**
     * What was uploaded.
     *
     * @param path the output's path
     * @param sha256 its digest
     * @param size its size
     */
    record Uploaded(String path, String sha256, long size) {
    }

    private final Store store;
    private final Path tempDir;

    OutputUploader(Store store, Path tempDir) {
        this.store = Objects.requireNonNull(store, "store is null");
        this.tempDir = Objects.requireNonNull(tempDir, "tempDir is null");
    }

    /**
     * @param root the build directory
     * @param paths outputs relative to it
     * @return one result per path, in order
     * @throws IOException when an output cannot be read or stored; earlier outputs stay uploaded
     * @throws IllegalArgumentException when a path is absolute or has {@code ..}
     */
    List<Uploaded> upload(Path root, List<String> paths) throws IOException {
        for (String p : paths) {
            ManifestEntry.checkPath(p);
        }
        List<Uploaded> result = new ArrayList<>();
        try (LocalDirectory dir = LocalDirectory.open(root)) {
            for (String p : paths) {
                result.add(uploadOne(dir, p));
            }
        }
        return result;
    }

    private Uploaded uploadOne(Directory root, String path) throws IOException {
        String[] parts = path.split("/");
        List<Directory> opened = new ArrayList<>();
        Path staged = Files.createTempFile(tempDir, "cairn-output-", ".tmp");
        try {
            Directory dir = root;
            for (int i = 0; i < parts.length - 1; i++) {
                dir = dir.enter(parts[i]);
                opened.add(dir);
            }
            MessageDigest digest = StoreContentSource.sha256();
            long size = 0;
            // Staged to a private copy: the store may read a source twice, and the build may still change the file.
            try (SeekableByteChannel in = dir.open(parts[parts.length - 1], Set.of(OpenFlag.READ), 0);
                 FileChannel out = FileChannel.open(staged, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
                while (in.read(buffer) >= 0) {
                    buffer.flip();
                    digest.update(buffer.duplicate());
                    size += buffer.remaining();
                    while (buffer.hasRemaining()) {
                        out.write(buffer);
                    }
                    buffer.clear();
                }
            }
            String sha = HexFormat.of().formatHex(digest.digest());
            store.put(sha, Map.of(StoreContentSource.BLOB, BlobSource.of(staged)));
            return new Uploaded(path, sha, size);
        } finally {
            for (int i = opened.size() - 1; i >= 0; i--) {
                opened.get(i).close();
            }
            Files.deleteIfExists(staged);
        }
    }
}
