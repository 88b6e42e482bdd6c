package dev.cairn.fuse.builddir;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Input content fetched from the store, kept by digest in one append-only backing file (unlinked at once, so a
 * killed mount leaves nothing). One file instead of one pool file per input: a 10,000-file tree costs 10,000
 * positional writes, not 10,000 file creations; and inputs with the same digest are fetched once. Concurrent first
 * reads of one digest wait for a single fetch; a failed fetch is forgotten, so the next read tries again. Build
 * writes never land here: a written input is copied into the file pool first.
 */
final class InputCache implements Closeable {
    /**
     * Where a digest's bytes are in the backing file.
     *
     * @param offset first byte
     * @param size length
     */
    record Extent(long offset, long size) {
    }

    private final ContentSource source;
    private final FileChannel channel;
    private final AtomicLong end = new AtomicLong();
    private final AtomicLong fetches = new AtomicLong();
    private final ConcurrentHashMap<String, CompletableFuture<Extent>> extents = new ConcurrentHashMap<>();

    InputCache(ContentSource source, Path dir) throws IOException {
        this.source = Objects.requireNonNull(source, "source is null");
        Path file = dir.resolve("cairn-builddir-inputs-" + ProcessHandle.current().pid() + "-"
                + Long.toString(System.nanoTime(), 36));
        this.channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.delete(file);
    }

    /** @return completed fetches from the store */
    long fetches() {
        return fetches.get();
    }

    /**
     * @param sha256 the digest
     * @param size the size the manifest declares
     * @return where the content is kept, fetching it on first use
     * @throws IOException when it cannot be fetched or does not match
     */
    Extent fetch(String sha256, long size) throws IOException {
        CompletableFuture<Extent> mine = new CompletableFuture<>();
        CompletableFuture<Extent> existing = extents.putIfAbsent(sha256, mine);
        if (existing != null) {
            return await(existing, sha256);
        }
        try {
            long offset = end.getAndAdd(size);
            source.copyInto(sha256, size, (src, at) -> {
                if (at + src.remaining() > size) {
                    throw new IOException("content " + sha256 + " is larger than the manifest's " + size + " bytes");
                }
                long position = offset + at;
                while (src.hasRemaining()) {
                    position += channel.write(src, position);
                }
            });
            Extent extent = new Extent(offset, size);
            fetches.incrementAndGet();
            mine.complete(extent);
            return extent;
        } catch (IOException | RuntimeException e) {
            extents.remove(sha256, mine);
            mine.completeExceptionally(e);
            throw e;
        }
    }

    private static Extent await(CompletableFuture<Extent> future, String sha256) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for " + sha256);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? new IOException(io.getMessage(), io)
                    : new IOException("fetching " + sha256 + " failed: " + e.getCause(), e.getCause());
        }
    }

    /**
     * @param extent kept content
     * @param dst filled up to its limit or the content's end
     * @param position position within the content
     * @return bytes read, 0 at or past the end
     * @throws IOException when the backing file cannot be read
     */
    int read(Extent extent, ByteBuffer dst, long position) throws IOException {
        long left = extent.size() - position;
        if (left <= 0) {
            return 0;
        }
        ByteBuffer slice = dst.remaining() > left ? dst.slice().limit((int) left) : dst.slice();
        int total = 0;
        while (slice.hasRemaining()) {
            int n = channel.read(slice, extent.offset() + position + total);
            if (n <= 0) {
                break;
            }
            total += n;
        }
        dst.position(dst.position() + total);
        return total;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
