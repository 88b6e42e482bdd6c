package dev.cairn.dir;

import dev.cairn.spi.dir.Directory;
import dev.cairn.spi.dir.DirectoryEntry;
import dev.cairn.spi.dir.DirectoryOpener;
import dev.cairn.spi.dir.FileAttributes;
import dev.cairn.spi.dir.OpenFlag;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A {@link Directory} that holds no descriptor: every call opens the directory through its {@link DirectoryOpener},
 * forwards the call, and closes it again. A runner started before the worker mounts its build directory, or kept
 * across a worker restart, therefore always reaches what is mounted now, never the directory under the mount point
 * or a stale mount. An opener failure is an {@link UnderlyingDirectoryException}, never "file not found".
 *
 * <p>{@link #enter} returns the child handle of the directory opened for that call (as bb-remote-execution's lazy
 * directory does): the caller holds it, and closes it.
 */
public final class LazyDirectory implements Directory {
    private final DirectoryOpener opener;

    /**
     * @param opener opens the directory for each call
     */
    public LazyDirectory(DirectoryOpener opener) {
        this.opener = Objects.requireNonNull(opener, "opener is null");
    }

    /** Opens the directory for one call; the caller closes it. */
    Directory openUnderlying() throws UnderlyingDirectoryException {
        Directory d;
        try {
            d = opener.open();
        } catch (IOException | RuntimeException e) {
            throw new UnderlyingDirectoryException(e);
        }
        if (d == null) {
            throw new UnderlyingDirectoryException(new IOException("opener returned no directory"));
        }
        return d;
    }

    /** The destination of link/rename: this call's opened directory when the caller names this lazy directory. */
    private static Directory destination(Directory opened, Directory self, Directory requested) {
        return requested == self ? opened : requested;
    }

    @Override
    public Directory enter(String name) throws IOException {
        try (Directory d = openUnderlying()) {
            return d.enter(name);
        }
    }

    @Override
    public FileAttributes lstat(String name) throws IOException {
        try (Directory d = openUnderlying()) {
            return d.lstat(name);
        }
    }

    @Override
    public void mkdir(String name, int mode) throws IOException {
        try (Directory d = openUnderlying()) {
            d.mkdir(name, mode);
        }
    }

    @Override
    public SeekableByteChannel open(String name, Set<OpenFlag> options, int mode) throws IOException {
        try (Directory d = openUnderlying()) {
            return d.open(name, options, mode);
        }
    }

    @Override
    public List<DirectoryEntry> readdir() throws IOException {
        try (Directory d = openUnderlying()) {
            return d.readdir();
        }
    }

    @Override
    public String readlink(String name) throws IOException {
        try (Directory d = openUnderlying()) {
            return d.readlink(name);
        }
    }

    @Override
    public void symlink(String target, String name) throws IOException {
        try (Directory d = openUnderlying()) {
            d.symlink(target, name);
        }
    }

    @Override
    public void link(String oldName, Directory newDirectory, String newName) throws IOException {
        try (Directory d = openUnderlying()) {
            d.link(oldName, destination(d, this, newDirectory), newName);
        }
    }

    @Override
    public void rename(String oldName, Directory newDirectory, String newName) throws IOException {
        try (Directory d = openUnderlying()) {
            d.rename(oldName, destination(d, this, newDirectory), newName);
        }
    }

    @Override
    public void remove(String name) throws IOException {
        try (Directory d = openUnderlying()) {
            d.remove(name);
        }
    }

    @Override
    public void removeAll(String name) throws IOException {
        try (Directory d = openUnderlying()) {
            d.removeAll(name);
        }
    }

    @Override
    public void chtimes(String name, FileTime atime, FileTime mtime) throws IOException {
        try (Directory d = openUnderlying()) {
            d.chtimes(name, atime, mtime);
        }
    }

    @Override
    public void sync() throws IOException {
        try (Directory d = openUnderlying()) {
            d.sync();
        }
    }

    /** Nothing to release: no descriptor is held between calls. */
    @Override
    public void close() {
    }
}
