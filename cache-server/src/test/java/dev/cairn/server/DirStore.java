package dev.cairn.server;

import dev.cairn.spi.store.Blob;
import dev.cairn.spi.store.BlobSource;
import dev.cairn.spi.store.CleanResult;
import dev.cairn.spi.store.Store;
import dev.cairn.spi.store.StoreStats;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A minimal file-backed store for tests with blobs too big for the heap: one file per key and single-blob entries
 * only; copies streams, never buffers them. Records the largest single read the server asked of a blob stream.
 */
final class DirStore implements Store {
    private final Path dir;
    private final Map<String, DirStore> views = new java.util.concurrent.ConcurrentHashMap<>();
    final AtomicLong largestRead = new AtomicLong();

    DirStore(Path dir) {
        this.dir = dir;
    }

    @Override
    public Optional<Blob> get(String key, String name) throws IOException {
        Path f = dir.resolve(Store.checkKey(key));
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        long size = Files.size(f);
        InputStream in = Files.newInputStream(f);
        return Optional.of(new Blob() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream stream() {
                return new java.io.FilterInputStream(in) {
                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        largestRead.accumulateAndGet(len, Math::max);
                        return super.read(b, off, len);
                    }
                };
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        });
    }

    @Override
    public void put(String key, Map<String, BlobSource> blobs) throws IOException {
        Path tmp = Files.createTempFile(dir, "tmp", ".part");
        try (InputStream in = blobs.values().iterator().next().open()) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(tmp, dir.resolve(Store.checkKey(key)), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public boolean has(String key) {
        return Files.exists(dir.resolve(Store.checkKey(key)));
    }

    @Override
    public boolean delete(String key) throws IOException {
        return Files.deleteIfExists(dir.resolve(Store.checkKey(key)));
    }

    @Override
    public StoreStats stats() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return new StoreStats(0, s.count(), 0);
        }
    }

    @Override
    public CleanResult clean(long maxSize, Duration maxAge) {
        return new CleanResult(0, 0);
    }

    @Override
    public Optional<Path> dir() {
        return Optional.of(dir);
    }

    @Override
    public DirStore namespace(String name) {
        return views.computeIfAbsent(Store.checkNamespace(name), n -> {
            try {
                return new DirStore(Files.createDirectories(dir.resolve("ns-" + n)));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Override
    public String describe() {
        return "dir:" + dir;
    }

    @Override
    public void close() {
    }
}
