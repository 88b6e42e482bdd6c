package dev.cairn.cache.disk;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * What every view of one store directory shares: the directory and its lock, the temp folder, the clock, the
 * configuration, and the writes in flight (so concurrent puts of one key are written once through any view).
 */
final class DiskRoot {
    static final String MARKER = ".cairn-disk-store";
    private static final Logger LOG = LoggerFactory.getLogger(DiskRoot.class);

    final Path dir;
    final Path tmp;
    final Clock clock;
    final DiskStoreConfig config;
    /** Small hot entries on the heap, shared by every view. */
    final SmallEntryCache memory;
    /** Writes in flight by "view/key"; waiters join the future of the write that got there first. */
    final ConcurrentHashMap<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Object writesLock = new Object();
    private int writes;
    private volatile boolean closed;
    private final long recoveredTempFiles;
    /** Temp names: a random prefix per open (only the lock holder writes to tmp/) and a counter. */
    private final String tempPrefix = Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong())
            + "-";
    private final java.util.concurrent.atomic.AtomicLong tempCounter = new java.util.concurrent.atomic.AtomicLong();

    private DiskRoot(Path dir, DiskStoreConfig config, Clock clock, FileChannel lockChannel, FileLock lock,
                     long recoveredTempFiles) {
        this.dir = dir;
        this.tmp = dir.resolve("tmp");
        this.config = config;
        this.memory = new SmallEntryCache(config.memoryCache().bytes());
        this.clock = clock;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.recoveredTempFiles = recoveredTempFiles;
    }

    /**
     * Creates or opens the directory, takes its exclusive lock and removes temp files left by a crash.
     *
     * @param dir the store directory
     * @param config the configuration
     * @param clock the clock
     * @return the root
     * @throws IOException when the directory is not a store, or is in use
     */
    static DiskRoot open(Path dir, DiskStoreConfig config, Clock clock) throws IOException {
        requireNonNull(dir, "dir is null");
        requireNonNull(config, "config is null");
        requireNonNull(clock, "clock is null");
        dir = dir.toAbsolutePath().normalize();
        Files.createDirectories(dir);
        Path marker = dir.resolve(MARKER);
        if (!Files.exists(marker, LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
                boolean foreign = false;
                for (Path child : children) {
                    if (child.getFileName().toString().startsWith(MARKER + ".tmp-")) {
                        Files.deleteIfExists(child); // a marker whose creation was interrupted
                    } else {
                        foreign = true;
                    }
                }
                if (foreign) {
                    throw new IOException("refusing to use " + dir + " as a disk store: it is not empty and has no "
                            + MARKER + " marker (point 'dir' at an empty or new directory)");
                }
            }
            Path partial = dir.resolve(MARKER + ".tmp-" + UUID.randomUUID());
            Files.writeString(partial, "cairn disk store, format 1\n", StandardCharsets.US_ASCII,
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            Files.move(partial, marker, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            fsyncDir(dir);
        }
        FileChannel channel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            channel.close();
            throw new IOException("disk store " + dir + " is already open in this process");
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new IOException("disk store " + dir + " is in use by another process (" + dir.resolve(".lock")
                    + " is locked)");
        }
        try {
            Path tmp = dir.resolve("tmp");
            long removed = 0;
            if (Files.isDirectory(tmp, LinkOption.NOFOLLOW_LINKS)) {
                removed = deleteTree(tmp, false);
            }
            Files.createDirectories(tmp);
            Files.createDirectories(dir.resolve("main"));
            Files.createDirectories(dir.resolve("ns"));
            if (removed > 0) {
                LOG.info("disk store {}: removed {} temp files left by an interrupted write", dir, removed);
            }
            return new DiskRoot(dir, config, clock, channel, lock, removed);
        } catch (IOException | RuntimeException e) {
            lock.release();
            channel.close();
            throw e;
        }
    }

    /** @return how many temp files start-up recovery removed */
    long recoveredTempFiles() {
        return recoveredTempFiles;
    }

    /**
     * @return a new, unique temp file path in {@code tmp/} (not yet created)
     */
    Path newTempFile() {
        return tmp.resolve(tempPrefix + Long.toHexString(tempCounter.incrementAndGet()) + ".tmp");
    }

    /** Counts a write in progress; refused once closed. */
    void beginWrite() throws IOException {
        synchronized (writesLock) {
            checkOpen();
            writes++;
        }
    }

    void endWrite() {
        synchronized (writesLock) {
            writes--;
            writesLock.notifyAll();
        }
    }

    void checkOpen() throws IOException {
        if (closed) {
            throw new IOException("disk store " + dir + " is closed");
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** Lets writes in progress finish, then releases the lock. */
    void close() throws IOException {
        synchronized (writesLock) {
            if (closed) {
                return;
            }
            closed = true;
            while (writes > 0) {
                try {
                    writesLock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for writes to finish");
                }
            }
        }
        try {
            lock.release();
        } finally {
            lockChannel.close();
        }
    }

    /**
     * Flushes a directory's entries (a rename is durable only once its directory is).
     *
     * @param dir the directory
     * @throws IOException when the directory cannot be synced
     */
    static void fsyncDir(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /**
     * @param dir a directory
     * @param self whether to delete the directory itself too
     * @return number of regular files deleted
     * @throws IOException when deleting fails
     */
    static long deleteTree(Path dir, boolean self) throws IOException {
        long count = 0;
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
            for (Path child : children) {
                if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                    count += deleteTree(child, true);
                } else {
                    Files.deleteIfExists(child);
                    count++;
                }
            }
        }
        if (self) {
            Files.deleteIfExists(dir);
        }
        return count;
    }

    /**
     * Creates a directory and makes its creation durable.
     *
     * @param dir the directory
     * @param fsync whether to fsync the parent
     * @throws IOException when it cannot be created
     */
    static void createDurably(Path dir, boolean fsync) throws IOException {
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw e;
            }
            return;
        }
        if (fsync) {
            fsyncDir(dir.getParent());
        }
    }
}
