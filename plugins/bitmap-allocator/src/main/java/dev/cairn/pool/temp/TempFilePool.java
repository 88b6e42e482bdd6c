package dev.cairn.pool.temp;

import dev.cairn.spi.MetricSample;
import dev.cairn.spi.pool.FilePool;
import dev.cairn.spi.pool.PoolFile;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link FilePool} of sparse temporary files in one directory. */
final class TempFilePool implements FilePool {
    private final Path dir;
    private final Set<TempPoolFile> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    TempFilePool(Path dir) {
        this.dir = Objects.requireNonNull(dir, "dir is null");
    }

    @Override
    public PoolFile newFile() throws IOException {
        checkOpen();
        Path path = Files.createTempFile(dir, "pool-", ".tmp");
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            Files.deleteIfExists(path);
            throw e;
        }
        TempPoolFile file = new TempPoolFile(this, path, channel);
        open.add(file);
        return file;
    }

    void closed(TempPoolFile file) {
        open.remove(file);
    }

    void checkOpen() throws IOException {
        if (closed) {
            throw new IOException("file pool in " + dir + " is closed");
        }
    }

    @Override
    public Map<String, Object> status() {
        long bytes = 0;
        for (TempPoolFile f : open) {
            bytes += f.size();
        }
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("type", TempFilePoolFactory.NAME);
        status.put("dir", dir.toString());
        status.put("openFiles", open.size());
        status.put("bytes", bytes);
        return status;
    }

    @Override
    public List<MetricSample> metrics() {
        long bytes = 0;
        for (TempPoolFile f : open) {
            bytes += f.size();
        }
        return List.of(
                MetricSample.gauge("cairn_pool_open_files", "Files of the pool not yet closed", open.size()),
                MetricSample.gauge("cairn_pool_file_bytes", "Sum of the sizes of the pool's open files", bytes));
    }

    /** Closes the pool and deletes the files still open. */
    @Override
    public void close() throws IOException {
        closed = true;
        IOException failure = null;
        for (TempPoolFile f : List.copyOf(open)) {
            try {
                f.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
