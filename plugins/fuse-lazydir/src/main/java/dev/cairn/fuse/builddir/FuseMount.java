package dev.cairn.fuse.builddir;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A mounted {@link BuildDirFileSystem}: mounts it on a thread of its own (libfuse's loop blocks), waits until the
 * kernel shows the mount, and unmounts with {@code fusermount -u} (lazily, {@code -z}, when busy). Before mounting it
 * checks the mount point: a stale FUSE mount left by a killed process ({@code Transport endpoint is not connected})
 * is reported and lazily unmounted; a live mount is refused.
 */
final class FuseMount implements AutoCloseable {
    /**
     * No {@code kernel_cache}: libfuse's high-level API gives each name of a hard-linked file its own kernel inode,
     * so a page cache kept across opens could serve one name stale bytes after a write through the other.
     */
    private static final String[] OPTIONS = {
        "-o", "fsname=cairn-builddir,use_ino,big_writes,attr_timeout=1,entry_timeout=1",
    };

    private final BuildDirFileSystem fs;
    private final Path mountpoint;
    private final Thread loop;
    private final AtomicReference<Throwable> failure;

    private FuseMount(BuildDirFileSystem fs, Path mountpoint, Thread loop, AtomicReference<Throwable> failure) {
        this.fs = fs;
        this.mountpoint = mountpoint;
        this.loop = loop;
        this.failure = failure;
    }

    /**
     * Mounts and waits until the mount is visible.
     *
     * @param fs the file system
     * @param mountpoint an existing empty directory
     * @param err where to report a stale mount that was cleaned up
     * @param timeout how long to wait for the kernel to show the mount
     * @return the mount
     * @throws IOException when the mount point is busy or mounting fails
     */
    static FuseMount mount(BuildDirFileSystem fs, Path mountpoint, PrintStream err, Duration timeout)
            throws IOException {
        Objects.requireNonNull(fs, "fs is null");
        Path mp = MountTable.canonical(mountpoint);
        clearStale(mp, err);
        if (!Files.isDirectory(mp, LinkOption.NOFOLLOW_LINKS)) {
            throw new java.nio.file.NotDirectoryException(mp + " (the mount point must be an existing directory)");
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread loop = new Thread(() -> {
            try {
                fs.mount(mp, true, false, OPTIONS);
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "cairn-builddir-fuse " + mp);
        loop.setDaemon(true);
        loop.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (MountTable.typeAt(mp).filter(t -> t.startsWith("fuse")).isEmpty()) {
            if (!loop.isAlive()) {
                Throwable t = failure.get();
                String why = t == null ? "libfuse returned at once (its error is printed above)"
                        : t.getCause() != null ? t.getMessage() + ": " + t.getCause().getMessage() : t.getMessage();
                throw new IOException("could not mount the build directory at " + mp + ": " + why, t);
            }
            if (System.nanoTime() > deadline) {
                fs.umount();
                throw new IOException("could not mount the build directory at " + mp + ": the mount did not appear"
                        + " within " + timeout.toMillis() + " ms");
            }
            try {
                loop.join(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while mounting " + mp);
            }
        }
        return new FuseMount(fs, mp, loop, failure);
    }

    /**
     * Reports and lazily unmounts a stale mount; refuses a live one.
     *
     * @param mp the canonical mount point
     * @param err where to report
     * @return whether a stale mount was removed
     * @throws IOException when the mount point is in use by a live mount, or cleaning fails
     */
    static boolean clearStale(Path mp, PrintStream err) throws IOException {
        Optional<String> type = MountTable.typeAt(mp);
        if (type.isEmpty()) {
            return false;
        }
        String reason;
        try {
            Files.readAttributes(mp, BasicFileAttributes.class);
            throw new StaleMountException(mp + " is already a mount point (" + type.get()
                    + "); unmount it first (fusermount -u " + mp + ")");
        } catch (FileSystemException e) {
            reason = e.getReason() != null ? e.getReason() : e.getMessage();
        }
        err.println("cairn: found a stale mount at " + mp + " (" + type.get() + ": " + reason
                + "): the previous build directory was killed; unmounting it lazily (fusermount -u -z)");
        int rc = fusermount("-u", "-z", mp.toString());
        if (rc != 0 || MountTable.typeAt(mp).isPresent()) {
            throw new StaleMountException("could not remove the stale mount at " + mp + " (fusermount exited with "
                    + rc + "); run: fusermount -u -z " + mp);
        }
        return true;
    }

    static int fusermount(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("fusermount");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted running fusermount");
        }
    }

    /** @return the canonical mount point */
    Path mountpoint() {
        return mountpoint;
    }

    /**
     * Waits until the file system is unmounted (by {@link #close()}, {@code fusermount -u} or a signal).
     *
     * @throws InterruptedException when interrupted
     */
    void awaitUnmounted() throws InterruptedException {
        loop.join();
    }

    /** @return the error that ended the FUSE loop, if any */
    Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    /**
     * Unmounts (lazily when busy), waits for the FUSE loop to end and frees the pool files.
     *
     * @throws IOException when the mount cannot be removed
     */
    @Override
    public void close() throws IOException {
        try {
            if (loop.isAlive() && MountTable.typeAt(mountpoint).isPresent()) {
                if (fusermount("-u", mountpoint.toString()) != 0) {
                    fusermount("-u", "-z", mountpoint.toString());
                }
            }
            loop.join(TimeUnit.SECONDS.toMillis(20));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            fs.releaseAll();
        }
        if (MountTable.typeAt(mountpoint).isPresent()) {
            throw new IOException("the build directory at " + mountpoint + " is still mounted");
        }
        fs.markUnmounted();
    }
}
