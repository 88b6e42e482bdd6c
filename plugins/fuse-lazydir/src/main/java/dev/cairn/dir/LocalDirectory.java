package dev.cairn.dir;

import com.sun.jna.LastErrorException;
import dev.cairn.spi.dir.Directory;
import dev.cairn.spi.dir.DirectoryEntry;
import dev.cairn.spi.dir.FileAttributes;
import dev.cairn.spi.dir.FileType;
import dev.cairn.spi.dir.OpenFlag;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Directory} over a real directory of the local file system, held by an {@code O_PATH} descriptor.
 *
 * <p>Why descriptors rather than paths: every operation names a single, checked component relative to the open
 * descriptor ({@code openat}, {@code mkdirat}, {@code renameat}, ... through JNA), and {@link #enter} opens the child
 * with {@code O_NOFOLLOW|O_DIRECTORY}, so a component replaced by a symlink between two calls is refused rather than
 * followed: the handle cannot be led outside its directory, even by a racing process. Operations that the JDK does
 * well (opening channels, listing, attributes) go through {@code /proc/self/fd/<fd>/<name>} with
 * {@link LinkOption#NOFOLLOW_LINKS}, which resolves the descriptor itself, not a path that could have moved.
 * The root given to {@link #open(Path)} is trusted as configured (a symlink in its own path is followed once).
 */
public final class LocalDirectory implements Directory {
    private static final int DIR_FLAGS = Posix.O_PATH | Posix.O_DIRECTORY | Posix.O_CLOEXEC;
    private static final Set<PosixFilePermission> NO_PERMISSIONS = EnumSet.noneOf(PosixFilePermission.class);

    private final String description;
    private volatile int fd;

    private LocalDirectory(int fd, String description) {
        this.fd = fd;
        this.description = description;
    }

    /**
     * Opens a directory.
     *
     * @param root an existing directory
     * @return its handle; the caller closes it
     * @throws IOException when it is absent or not a directory
     */
    public static LocalDirectory open(Path root) throws IOException {
        Objects.requireNonNull(root, "root is null");
        String path = root.toAbsolutePath().toString();
        LocalDirectory dir;
        try {
            dir = new LocalDirectory(Posix.LIBC.open(path, DIR_FLAGS, 0), path);
        } catch (LastErrorException e) {
            throw Errors.of(e, path, null);
        }
        // An O_PATH open succeeds even on a dead FUSE mount; one stat through the descriptor asks the file system
        // itself, so a stale mount ("Transport endpoint is not connected") fails here, at open, not later.
        try {
            Files.readAttributes(Path.of("/proc/self/fd/" + dir.fd), "unix:mode");
        } catch (IOException e) {
            dir.close();
            throw new java.nio.file.FileSystemException(path, null, "not usable: " + e.getMessage());
        }
        return dir;
    }

    private int fd() throws IOException {
        int current = fd;
        if (current < 0) {
            throw new IOException("directory handle on " + description + " is closed");
        }
        return current;
    }

    /** The child's path through the descriptor: resolves the open directory, wherever it is now. */
    private Path child(String name) throws IOException {
        return Path.of("/proc/self/fd/" + fd() + "/" + Directory.checkName(name));
    }

    private String where(String name) {
        return description + "/" + name;
    }

    @Override
    public Directory enter(String name) throws IOException {
        Directory.checkName(name);
        try {
            return new LocalDirectory(Posix.LIBC.openat(fd(), name, DIR_FLAGS | Posix.O_NOFOLLOW, 0), where(name));
        } catch (LastErrorException e) {
            throw Errors.of(e, where(name), null);
        }
    }

    @Override
    public FileAttributes lstat(String name) throws IOException {
        Path p = child(name);
        Map<String, Object> a;
        try {
            a = Files.readAttributes(p, "unix:mode,ino,nlink,size,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(where(name));
        }
        int mode = (Integer) a.get("mode");
        return new FileAttributes(typeOf(mode), (Long) a.get("size"), mode & 07777, (Long) a.get("ino"),
                (Integer) a.get("nlink"), (FileTime) a.get("lastModifiedTime"));
    }

    static FileType typeOf(int mode) {
        return switch (mode & 0170000) {
            case 0100000 -> FileType.REGULAR;
            case 0040000 -> FileType.DIRECTORY;
            case 0120000 -> FileType.SYMLINK;
            default -> FileType.OTHER;
        };
    }

    @Override
    public void mkdir(String name, int mode) throws IOException {
        Directory.checkName(name);
        try {
            Posix.LIBC.mkdirat(fd(), name, mode);
        } catch (LastErrorException e) {
            throw Errors.of(e, where(name), null);
        }
    }

    @Override
    public SeekableByteChannel open(String name, Set<OpenFlag> options, int mode) throws IOException {
        Objects.requireNonNull(options, "options is null");
        Path p = child(name);
        Set<StandardOpenOption> nio = EnumSet.noneOf(StandardOpenOption.class);
        for (OpenFlag flag : options) {
            switch (flag) {
                case READ -> nio.add(StandardOpenOption.READ);
                case WRITE -> nio.add(StandardOpenOption.WRITE);
                case APPEND -> nio.add(StandardOpenOption.APPEND);
                case CREATE -> nio.add(options.contains(OpenFlag.EXCLUSIVE)
                        ? StandardOpenOption.CREATE_NEW : StandardOpenOption.CREATE);
                case EXCLUSIVE -> { } // only meaningful with CREATE, handled there
                case TRUNCATE -> nio.add(StandardOpenOption.TRUNCATE_EXISTING);
            }
        }
        // Refuse FIFOs and devices before opening (opening a FIFO would block); symlinks are refused by the
        // kernel itself (O_NOFOLLOW), so a race between this check and the open cannot lead outside.
        if (!options.contains(OpenFlag.EXCLUSIVE)) {
            try {
                FileType type = lstat(name).type();
                if (type == FileType.SYMLINK) {
                    throw new java.nio.file.FileSystemException(where(name), null,
                            "is a symbolic link, which is never followed");
                }
                if (type != FileType.REGULAR) {
                    throw new java.nio.file.FileSystemException(where(name), null, "not a regular file");
                }
            } catch (NoSuchFileException e) {
                if (!options.contains(OpenFlag.CREATE)) {
                    throw e;
                }
            }
        }
        var opts = new java.util.HashSet<java.nio.file.OpenOption>(nio);
        opts.add(LinkOption.NOFOLLOW_LINKS);
        try {
            return Files.newByteChannel(p, opts, PosixFilePermissions.asFileAttribute(permissions(mode)));
        } catch (java.nio.file.FileSystemException e) {
            throw e;
        } catch (IOException e) {
            // The JDK reports O_NOFOLLOW's ELOOP as a plain IOException.
            if (e.getMessage() != null && e.getMessage().contains("symbolic link")) {
                throw new java.nio.file.FileSystemException(where(name), null,
                        "is a symbolic link, which is never followed");
            }
            throw e;
        }
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.copyOf(NO_PERMISSIONS);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
        };
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                set.add(order[bit]);
            }
        }
        return set;
    }

    @Override
    public List<DirectoryEntry> readdir() throws IOException {
        Path self = Path.of("/proc/self/fd/" + fd());
        List<DirectoryEntry> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(self)) {
            for (Path p : stream) {
                String name = p.getFileName().toString();
                FileType type;
                try {
                    type = lstat(name).type();
                } catch (NoSuchFileException raced) {
                    continue; // removed while listing
                }
                entries.add(new DirectoryEntry(name, type));
            }
        }
        return entries;
    }

    @Override
    public String readlink(String name) throws IOException {
        return Files.readSymbolicLink(child(name)).toString();
    }

    @Override
    public void symlink(String target, String name) throws IOException {
        Objects.requireNonNull(target, "target is null");
        Directory.checkName(name);
        try {
            Posix.LIBC.symlinkat(target, fd(), name);
        } catch (LastErrorException e) {
            throw Errors.of(e, where(name), null);
        }
    }

    @Override
    public void link(String oldName, Directory newDirectory, String newName) throws IOException {
        Directory.checkName(oldName);
        Directory.checkName(newName);
        try (Target target = Target.of(this, newDirectory)) {
            Posix.LIBC.linkat(fd(), oldName, target.fd(), newName, 0);
        } catch (LastErrorException e) {
            throw Errors.of(e, where(oldName), newName);
        }
    }

    @Override
    public void rename(String oldName, Directory newDirectory, String newName) throws IOException {
        Directory.checkName(oldName);
        Directory.checkName(newName);
        try (Target target = Target.of(this, newDirectory)) {
            Posix.LIBC.renameat(fd(), oldName, target.fd(), newName);
        } catch (LastErrorException e) {
            throw Errors.of(e, where(oldName), newName);
        }
    }

    /** The descriptor of a destination directory, opening a lazy one for the duration of one call. */
    private record Target(LocalDirectory dir, Directory toClose) implements AutoCloseable {
        static Target of(LocalDirectory self, Directory other) throws IOException {
            Objects.requireNonNull(other, "newDirectory is null");
            if (other instanceof LocalDirectory local) {
                return new Target(local, null);
            }
            if (other instanceof LazyDirectory lazy) {
                Directory opened = lazy.openUnderlying();
                if (opened instanceof LocalDirectory local) {
                    return new Target(local, opened);
                }
                opened.close();
            }
            throw new java.nio.file.FileSystemException(self.description, null,
                    "cannot link or rename into a directory of another kind: " + other.getClass().getName());
        }

        int fd() throws IOException {
            return dir.fd();
        }

        @Override
        public void close() throws IOException {
            if (toClose != null) {
                toClose.close();
            }
        }
    }

    @Override
    public void remove(String name) throws IOException {
        Directory.checkName(name);
        int dirFd = fd();
        try {
            Posix.LIBC.unlinkat(dirFd, name, 0);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != Posix.EISDIR) {
                throw Errors.of(e, where(name), null);
            }
            try {
                Posix.LIBC.unlinkat(dirFd, name, Posix.AT_REMOVEDIR);
            } catch (LastErrorException e2) {
                throw Errors.of(e2, where(name), null);
            }
        }
    }

    @Override
    public void removeAll(String name) throws IOException {
        FileAttributes attributes;
        try {
            attributes = lstat(name);
        } catch (NoSuchFileException e) {
            throw e;
        }
        if (attributes.type() == FileType.DIRECTORY) {
            try (Directory child = enter(name)) {
                for (DirectoryEntry e : child.readdir()) {
                    child.removeAll(e.name());
                }
            }
        }
        remove(name);
    }

    @Override
    public void chtimes(String name, FileTime atime, FileTime mtime) throws IOException {
        Directory.checkName(name);
        long a = atime.to(TimeUnit.NANOSECONDS);
        long m = mtime.to(TimeUnit.NANOSECONDS);
        long[] times = {Math.floorDiv(a, 1_000_000_000L), Math.floorMod(a, 1_000_000_000L),
            Math.floorDiv(m, 1_000_000_000L), Math.floorMod(m, 1_000_000_000L)};
        try {
            Posix.LIBC.utimensat(fd(), name, times, Posix.AT_SYMLINK_NOFOLLOW);
        } catch (LastErrorException e) {
            throw Errors.of(e, where(name), null);
        }
    }

    @Override
    public void sync() throws IOException {
        // fsync needs a readable descriptor; an O_PATH one gives EBADF.
        int readable;
        try {
            readable = Posix.LIBC.openat(fd(), ".", Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw Errors.of(e, description, null);
        }
        try {
            Posix.LIBC.fsync(readable);
        } catch (LastErrorException e) {
            throw Errors.of(e, description, null);
        } finally {
            Posix.LIBC.close(readable);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        int current = fd;
        if (current >= 0) {
            fd = -1;
            try {
                Posix.LIBC.close(current);
            } catch (LastErrorException e) {
                throw Errors.of(e, description, null);
            }
        }
    }

    @Override
    public String toString() {
        return "LocalDirectory[" + description + "]";
    }
}
