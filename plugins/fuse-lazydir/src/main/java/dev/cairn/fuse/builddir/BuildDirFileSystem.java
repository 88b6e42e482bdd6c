package dev.cairn.fuse.builddir;

import dev.cairn.spi.pool.FilePool;
import jnr.ffi.Pointer;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The virtual build directory: the manifest's tree is in memory from the start (listings and {@code stat} never
 * touch the store), a file's content is fetched from the store on its first read and kept in the
 * {@link InputCache}, and everything the build creates or changes lives in the file pool. Tree operations hold one lock; content operations lock only
 * their file, so a slow fetch never blocks listings.
 */
final class BuildDirFileSystem extends FuseStubFS {
    private static final int O_ACCMODE = 3;
    private static final int O_RDONLY = 0;
    private static final long UTIME_NOW = (1L << 30) - 1;
    private static final long UTIME_OMIT = (1L << 30) - 2;

    private final Object tree = new Object();
    private final DirNode root;
    private final InputCache inputs;
    private final FilePool pool;
    private final Clock clock;
    private final long uid;
    private final long gid;
    private final AtomicLong nextIno = new AtomicLong(1);
    private final AtomicLong nextHandle = new AtomicLong(1);
    private final Map<Long, FileNode> handles = new ConcurrentHashMap<>();
    private final AtomicLong fetchErrors = new AtomicLong();

    BuildDirFileSystem(Manifest manifest, InputCache inputs, FilePool pool, Clock clock, long uid, long gid) {
        this.inputs = Objects.requireNonNull(inputs, "inputs is null");
        this.pool = Objects.requireNonNull(pool, "pool is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
        this.uid = uid;
        this.gid = gid;
        long now = nowNanos();
        this.root = new DirNode(nextIno.getAndIncrement(), 0755, uid, gid, now);
        for (ManifestEntry e : manifest.entries()) {
            add(e, now);
        }
    }

    @Override
    protected String getFSName() {
        return "cairn-builddir";
    }

    private void add(ManifestEntry e, long now) {
        String[] parts = e.path().split("/");
        DirNode dir = root;
        for (int i = 0; i < parts.length - 1; i++) {
            Node child = dir.children.get(parts[i]);
            if (child == null) {
                DirNode created = new DirNode(nextIno.getAndIncrement(), 0755, uid, gid, now);
                attach(dir, parts[i], created);
                dir = created;
            } else if (child instanceof DirNode d) {
                dir = d;
            } else {
                throw new IllegalArgumentException("path '" + e.path() + "' is below '"
                        + String.join("/", List.of(parts).subList(0, i + 1)) + "', which is not a directory");
            }
        }
        String name = parts[parts.length - 1];
        Node existing = dir.children.get(name);
        if (existing != null) {
            if (existing instanceof DirNode d && e.kind() == ManifestEntry.Kind.DIRECTORY) {
                d.mode = e.mode(); // an implied parent, now given explicitly
                return;
            }
            throw new IllegalArgumentException("path '" + e.path() + "' clashes with another entry");
        }
        Node node = switch (e.kind()) {
            case FILE -> new FileNode(nextIno.getAndIncrement(), e.mode(), uid, gid, now, e.sha256(), e.size());
            case DIRECTORY -> new DirNode(nextIno.getAndIncrement(), e.mode(), uid, gid, now);
            case SYMLINK -> new LinkNode(nextIno.getAndIncrement(), e.target(), uid, gid, now);
        };
        attach(dir, name, node);
    }

    private static void attach(DirNode dir, String name, Node node) {
        dir.children.put(name, node);
        if (node instanceof DirNode) {
            dir.links++;
        }
    }

    private long nowNanos() {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /**
     * Tells jnr-fuse the mount is gone (we unmount with fusermount ourselves), so the shutdown hook it registered
     * does not run fusermount again on a path that may by then be mounted by someone else.
     */
    void markUnmounted() {
        mounted.set(false);
    }

    /** @return the number of failed content fetches, for status */
    long fetchErrors() {
        return fetchErrors.get();
    }

    // ---- lookup -------------------------------------------------------------------------------------------

    private Node lookup(String path) {
        Node node = root;
        for (String part : path.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            if (!(node instanceof DirNode dir)) {
                return null;
            }
            node = dir.children.get(part);
            if (node == null) {
                return null;
            }
        }
        return node;
    }

    private static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    private static String nameOf(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** The parent directory of a path, or null. Tree lock held. */
    private DirNode parentDir(String path) {
        return lookup(parentOf(path)) instanceof DirNode d ? d : null;
    }

    // ---- attributes ---------------------------------------------------------------------------------------

    private static void fill(Node node, FileStat stat) {
        stat.st_mode.set(node.typeBits() | node.mode);
        stat.st_ino.set(node.ino);
        stat.st_nlink.set(node.links);
        stat.st_uid.set(node.uid);
        stat.st_gid.set(node.gid);
        long size = node.size();
        stat.st_size.set(size);
        stat.st_blksize.set(4096);
        stat.st_blocks.set((size + 511) / 512);
        time(stat.st_mtim, node.mtimeNanos);
        time(stat.st_atim, node.atimeNanos);
        time(stat.st_ctim, node.ctimeNanos);
    }

    private static void time(Timespec t, long nanos) {
        t.tv_sec.set(Math.floorDiv(nanos, 1_000_000_000L));
        t.tv_nsec.set(Math.floorMod(nanos, 1_000_000_000L));
    }

    @Override
    public int getattr(String path, FileStat stat) {
        synchronized (tree) {
            Node node = lookup(path);
            if (node == null) {
                return -ErrorCodes.ENOENT();
            }
            fill(node, stat);
            return 0;
        }
    }

    @Override
    public int fgetattr(String path, FileStat stat, FuseFileInfo fi) {
        FileNode open = handles.get(fi.fh.get());
        if (open == null) {
            return getattr(path, stat);
        }
        synchronized (tree) {
            fill(open, stat);
        }
        return 0;
    }

    @Override
    public int readdir(String path, Pointer buf, FuseFillDir filter, long offset, FuseFileInfo fi) {
        List<String> names;
        synchronized (tree) {
            if (!(lookup(path) instanceof DirNode dir)) {
                return lookup(path) == null ? -ErrorCodes.ENOENT() : -ErrorCodes.ENOTDIR();
            }
            names = new ArrayList<>(dir.children.keySet());
        }
        filter.apply(buf, ".", null, 0);
        filter.apply(buf, "..", null, 0);
        for (String name : names) {
            if (filter.apply(buf, name, null, 0) != 0) {
                break;
            }
        }
        return 0;
    }

    @Override
    public int readlink(String path, Pointer buf, long size) {
        String target;
        synchronized (tree) {
            Node node = lookup(path);
            if (node == null) {
                return -ErrorCodes.ENOENT();
            }
            if (!(node instanceof LinkNode link)) {
                return -ErrorCodes.EINVAL();
            }
            target = link.target;
        }
        byte[] bytes = target.getBytes(StandardCharsets.UTF_8);
        int n = (int) Math.min(bytes.length, size - 1);
        buf.put(0, bytes, 0, n);
        buf.putByte(n, (byte) 0);
        return 0;
    }

    @Override
    public int statfs(String path, Statvfs stbuf) {
        stbuf.f_bsize.set(4096);
        stbuf.f_frsize.set(4096);
        stbuf.f_blocks.set(1L << 30);
        stbuf.f_bfree.set(1L << 30);
        stbuf.f_bavail.set(1L << 30);
        stbuf.f_files.set(1L << 24);
        stbuf.f_ffree.set(1L << 24);
        stbuf.f_favail.set(1L << 24);
        stbuf.f_namemax.set(255);
        return 0;
    }

    // ---- namespace ----------------------------------------------------------------------------------------

    private int create(String path, Node node) {
        DirNode parent = parentDir(path);
        if (parent == null) {
            return lookup(parentOf(path)) == null ? -ErrorCodes.ENOENT() : -ErrorCodes.ENOTDIR();
        }
        String name = nameOf(path);
        if (parent.children.containsKey(name)) {
            return -ErrorCodes.EEXIST();
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > 255) {
            return -ErrorCodes.ENAMETOOLONG();
        }
        attach(parent, name, node);
        parent.mtimeNanos = parent.ctimeNanos = nowNanos();
        return 0;
    }

    private long callerUid() {
        try {
            return getContext().uid.get();
        } catch (RuntimeException e) {
            return uid; // no FUSE request context (called directly)
        }
    }

    private long callerGid() {
        try {
            return getContext().gid.get();
        } catch (RuntimeException e) {
            return gid;
        }
    }

    @Override
    public int mkdir(String path, long mode) {
        synchronized (tree) {
            return create(path, new DirNode(nextIno.getAndIncrement(), (int) mode, callerUid(), callerGid(),
                    nowNanos()));
        }
    }

    @Override
    public int mknod(String path, long mode, long rdev) {
        if ((mode & 0170000) != 0100000) {
            return -ErrorCodes.EPERM(); // only regular files live in the build directory
        }
        synchronized (tree) {
            return create(path, newFile((int) mode));
        }
    }

    private FileNode newFile(int mode) {
        return new FileNode(nextIno.getAndIncrement(), mode, callerUid(), callerGid(), nowNanos(), null, 0);
    }

    @Override
    public int create(String path, long mode, FuseFileInfo fi) {
        synchronized (tree) {
            Node existing = lookup(path);
            FileNode file;
            if (existing != null) {
                if (!(existing instanceof FileNode f)) {
                    return -ErrorCodes.EISDIR();
                }
                file = f;
            } else {
                file = newFile((int) mode);
                int rc = create(path, file);
                if (rc != 0) {
                    return rc;
                }
            }
            return openHandle(file, fi);
        }
    }

    @Override
    public int symlink(String target, String path) {
        synchronized (tree) {
            return create(path, new LinkNode(nextIno.getAndIncrement(), target, callerUid(), callerGid(),
                    nowNanos()));
        }
    }

    @Override
    public int link(String oldPath, String newPath) {
        synchronized (tree) {
            Node node = lookup(oldPath);
            if (node == null) {
                return -ErrorCodes.ENOENT();
            }
            if (node instanceof DirNode) {
                return -ErrorCodes.EPERM();
            }
            int rc = create(newPath, node);
            if (rc == 0) {
                node.links++;
                node.ctimeNanos = nowNanos();
            }
            return rc;
        }
    }

    @Override
    public int unlink(String path) {
        synchronized (tree) {
            DirNode parent = parentDir(path);
            Node node = parent == null ? null : parent.children.get(nameOf(path));
            if (node == null) {
                return -ErrorCodes.ENOENT();
            }
            if (node instanceof DirNode) {
                return -ErrorCodes.EISDIR();
            }
            parent.children.remove(nameOf(path));
            parent.mtimeNanos = parent.ctimeNanos = nowNanos();
            dropLink(node);
            return 0;
        }
    }

    /** Tree lock held. */
    private void dropLink(Node node) {
        node.links--;
        node.ctimeNanos = nowNanos();
        if (node instanceof FileNode f && f.links == 0 && f.openHandles == 0) {
            releaseQuietly(f);
        }
    }

    private void releaseQuietly(FileNode f) {
        try {
            f.release();
        } catch (IOException e) {
            // The pool could not free the file; nothing else to do for an unlinked file.
            org.slf4j.LoggerFactory.getLogger(BuildDirFileSystem.class).warn("could not free a pool file", e);
        }
    }

    @Override
    public int rmdir(String path) {
        synchronized (tree) {
            if (path.equals("/")) {
                return -ErrorCodes.EBUSY();
            }
            DirNode parent = parentDir(path);
            Node node = parent == null ? null : parent.children.get(nameOf(path));
            if (node == null) {
                return -ErrorCodes.ENOENT();
            }
            if (!(node instanceof DirNode dir)) {
                return -ErrorCodes.ENOTDIR();
            }
            if (!dir.children.isEmpty()) {
                return -ErrorCodes.ENOTEMPTY();
            }
            parent.children.remove(nameOf(path));
            parent.links--;
            parent.mtimeNanos = parent.ctimeNanos = nowNanos();
            return 0;
        }
    }

    @Override
    public int rename(String oldPath, String newPath) {
        synchronized (tree) {
            DirNode from = parentDir(oldPath);
            Node node = from == null ? null : from.children.get(nameOf(oldPath));
            if (node == null) {
                return -ErrorCodes.ENOENT();
            }
            DirNode to = parentDir(newPath);
            if (to == null) {
                return lookup(parentOf(newPath)) == null ? -ErrorCodes.ENOENT() : -ErrorCodes.ENOTDIR();
            }
            if (node instanceof DirNode && (newPath + "/").startsWith(oldPath + "/")) {
                return -ErrorCodes.EINVAL(); // into itself
            }
            Node replaced = to.children.get(nameOf(newPath));
            if (replaced == node) {
                return 0;
            }
            if (replaced != null) {
                if (node instanceof DirNode && !(replaced instanceof DirNode)) {
                    return -ErrorCodes.ENOTDIR();
                }
                if (!(node instanceof DirNode) && replaced instanceof DirNode) {
                    return -ErrorCodes.EISDIR();
                }
                if (replaced instanceof DirNode d && !d.children.isEmpty()) {
                    return -ErrorCodes.ENOTEMPTY();
                }
            }
            from.children.remove(nameOf(oldPath));
            if (node instanceof DirNode) {
                from.links--;
            }
            if (replaced != null) {
                to.children.remove(nameOf(newPath));
                if (replaced instanceof DirNode) {
                    to.links--;
                } else {
                    dropLink(replaced);
                }
            }
            attach(to, nameOf(newPath), node);
            long now = nowNanos();
            from.mtimeNanos = from.ctimeNanos = to.mtimeNanos = to.ctimeNanos = node.ctimeNanos = now;
            return 0;
        }
    }

    @Override
    public int chmod(String path, long mode) {
        synchronized (tree) {
            Node node = lookup(path);
            if (node == null) {
                return -ErrorCodes.ENOENT();
            }
            node.mode = (int) mode & 07777;
            node.ctimeNanos = nowNanos();
            return 0;
        }
    }

    @Override
    public int chown(String path, long uid, long gid) {
        synchronized (tree) {
            Node node = lookup(path);
            if (node == null) {
                return -ErrorCodes.ENOENT();
            }
            if (uid != 0xffffffffL && uid != -1) {
                node.uid = uid;
            }
            if (gid != 0xffffffffL && gid != -1) {
                node.gid = gid;
            }
            node.ctimeNanos = nowNanos();
            return 0;
        }
    }

    @Override
    public int utimens(String path, Timespec[] timespec) {
        synchronized (tree) {
            Node node = lookup(path);
            if (node == null) {
                return -ErrorCodes.ENOENT();
            }
            long now = nowNanos();
            Long a = timeOf(timespec[0], now);
            Long m = timeOf(timespec[1], now);
            if (a != null) {
                node.atimeNanos = a;
            }
            if (m != null) {
                node.mtimeNanos = m;
            }
            node.ctimeNanos = now;
            return 0;
        }
    }

    private static Long timeOf(Timespec t, long now) {
        long nsec = t.tv_nsec.longValue();
        if (nsec == UTIME_OMIT) {
            return null;
        }
        if (nsec == UTIME_NOW) {
            return now;
        }
        return t.tv_sec.get() * 1_000_000_000L + nsec;
    }

    // ---- content ------------------------------------------------------------------------------------------

    /** Tree lock held. */
    private int openHandle(FileNode file, FuseFileInfo fi) {
        long handle = nextHandle.getAndIncrement();
        handles.put(handle, file);
        file.openHandles++;
        fi.fh.set(handle);
        return 0;
    }

    @Override
    public int open(String path, FuseFileInfo fi) {
        synchronized (tree) {
            Node node = lookup(path);
            if (node == null) {
                return -ErrorCodes.ENOENT();
            }
            if (!(node instanceof FileNode file)) {
                return node instanceof DirNode ? -ErrorCodes.EISDIR() : -ErrorCodes.ELOOP();
            }
            return openHandle(file, fi);
        }
    }

    private FileNode handle(String path, FuseFileInfo fi) {
        FileNode file = fi == null ? null : handles.get(fi.fh.get());
        if (file != null) {
            return file;
        }
        synchronized (tree) {
            return lookup(path) instanceof FileNode f ? f : null;
        }
    }

    @Override
    public int read(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
        FileNode file = handle(path, fi);
        if (file == null) {
            return -ErrorCodes.EBADF();
        }
        int length = (int) Math.min(size, Integer.MAX_VALUE);
        // Read straight into libfuse's buffer: no heap buffer to allocate and zero per call, no copy.
        ByteBuffer dst = buf.isDirect() ? nativeView(buf, length) : ByteBuffer.allocate(length);
        int n;
        try {
            n = file.read(dst, offset, inputs);
        } catch (IOException | RuntimeException e) {
            return fetchFailed(path, e);
        }
        if (n > 0 && dst.hasArray()) {
            buf.put(0, dst.array(), 0, n);
        }
        return n;
    }

    private int fetchFailed(String path, Exception e) {
        fetchErrors.incrementAndGet();
        org.slf4j.LoggerFactory.getLogger(BuildDirFileSystem.class).error("I/O error on {}: {}", path,
                e.getMessage(), e);
        return -ErrorCodes.EIO();
    }

    @Override
    public int write(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
        FileNode file = handle(path, fi);
        if (file == null) {
            return -ErrorCodes.EBADF();
        }
        int length = (int) size;
        ByteBuffer src;
        if (buf.isDirect()) {
            src = nativeView(buf, length);
        } else {
            byte[] bytes = new byte[length];
            buf.get(0, bytes, 0, length);
            src = ByteBuffer.wrap(bytes);
        }
        try {
            file.write(src, offset, inputs, pool);
        } catch (IOException | RuntimeException e) {
            return fetchFailed(path, e);
        }
        file.mtimeNanos = file.ctimeNanos = nowNanos();
        return length;
    }

    /** A direct buffer over native memory that libfuse owns for the duration of one call. */
    private static ByteBuffer nativeView(Pointer buf, int length) {
        return new com.sun.jna.Pointer(buf.address()).getByteBuffer(0, length);
    }

    @Override
    public int truncate(String path, long size) {
        FileNode file;
        synchronized (tree) {
            Node node = lookup(path);
            if (node == null) {
                return -ErrorCodes.ENOENT();
            }
            if (!(node instanceof FileNode f)) {
                return -ErrorCodes.EISDIR();
            }
            file = f;
        }
        return truncate(path, file, size);
    }

    @Override
    public int ftruncate(String path, long size, FuseFileInfo fi) {
        FileNode file = handle(path, fi);
        if (file == null) {
            return -ErrorCodes.EBADF();
        }
        return truncate(path, file, size);
    }

    private int truncate(String path, FileNode file, long size) {
        try {
            file.truncate(size, inputs, pool);
        } catch (IOException | RuntimeException e) {
            return fetchFailed(path, e);
        }
        file.mtimeNanos = file.ctimeNanos = nowNanos();
        return 0;
    }

    @Override
    public int flush(String path, FuseFileInfo fi) {
        return 0;
    }

    @Override
    public int fsync(String path, int isdatasync, FuseFileInfo fi) {
        return 0; // pool files are scratch space: nothing to make durable
    }

    @Override
    public int release(String path, FuseFileInfo fi) {
        FileNode file = handles.remove(fi.fh.get());
        if (file != null) {
            synchronized (tree) {
                file.openHandles--;
                if (file.links == 0 && file.openHandles == 0) {
                    releaseQuietly(file);
                }
            }
        }
        return 0;
    }

    /** Frees every pool file (after unmount). */
    void releaseAll() {
        synchronized (tree) {
            releaseTree(root);
        }
        for (FileNode f : handles.values()) {
            releaseQuietly(f);
        }
        handles.clear();
        try {
            inputs.close();
        } catch (IOException e) {
            org.slf4j.LoggerFactory.getLogger(BuildDirFileSystem.class).warn("could not close the input cache", e);
        }
    }

    /** @return how many contents were fetched from the store */
    long fetches() {
        return inputs.fetches();
    }

    private void releaseTree(DirNode dir) {
        for (Node n : dir.children.values()) {
            if (n instanceof DirNode d) {
                releaseTree(d);
            } else if (n instanceof FileNode f) {
                releaseQuietly(f);
            }
        }
    }
}
