package dev.cairn.layerfs.union;

import dev.cairn.layerfs.archive.EntryKind;
import dev.cairn.layerfs.archive.LayerEntry;
import dev.cairn.layerfs.archive.LayerIndex;
import dev.cairn.layerfs.archive.LayerTimeoutException;
import dev.cairn.layerfs.trace.AccessTracer;
import jnr.ffi.Pointer;
import jnr.ffi.types.dev_t;
import jnr.ffi.types.gid_t;
import jnr.ffi.types.mode_t;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.uid_t;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The merged FUSE view of read-only layers under one writable layer, overlayfs-style: upper wins; OCI whiteouts
 * ({@code .wh.<name>}) and opaque markers ({@code .wh..wh..opq}) are applied and never listed; any change to a lower
 * entry first copies it (and its parents) up through a temporary name in the work directory and an atomic rename.
 * Deletions of lower entries become whiteout files in the upper directory, so they persist across remounts.
 */
public final class UnionFs extends FuseStubFS {
    private static final Logger LOG = LoggerFactory.getLogger(UnionFs.class);
    static final String WH = ".wh.";
    /**
     * use_ino: our stable inode numbers; default_permissions: the kernel checks modes; negative_timeout=0: a name
     * of a layer still arriving may appear any moment. Lower layers never change under a name, so entries and
     * attributes may be cached briefly. splice_write: {@link #read_buf} replies are spliced from the layer file
     * to the kernel (libfuse2 copies them through a buffer otherwise; measured about 15% less CPU per GiB read).
     * {@code -Dlayerfs.fuseOptions} adds options (benchmarks, experiments).
     */
    static final String FUSE_OPTIONS = "use_ino,default_permissions,fsname=cairn-layerfs,subtype=layerfs,big_writes,"
            + "splice_write,splice_move,attr_timeout=1,entry_timeout=1,negative_timeout=0"
            + (System.getProperty("layerfs.fuseOptions", "").isEmpty() ? "" : "," + System.getProperty("layerfs.fuseOptions"));
    /**
     * {@code -Dlayerfs.threads=auto|single|multi}: libfuse2's multi-threaded loop starts and ends worker threads in
     * bursts, and each new thread is attached to the JVM on its first callback (measured: thousands of attaches
     * during one cold {@code find}, about a third more CPU than one thread). A request can only block for long
     * while a layer is still arriving, so {@code auto} serves one request at a time when every layer is complete
     * at mount time and uses the multi-threaded loop otherwise.
     */
    private static final String THREADS = System.getProperty("layerfs.threads", "auto");
    static final String OPQ = ".wh..wh..opq";
    private static final int O_ACCMODE = 3;
    private static final int FUSE_BUF_IS_FD = 1 << 1;
    private static final int FUSE_BUF_FD_SEEK = 1 << 2;
    private static final int FUSE_BUF_FD_RETRY = 1 << 3;
    private static final int O_WRONLY = 1;
    private static final int O_RDWR = 2;
    private static final int O_CREAT = 0100;
    private static final int O_EXCL = 0200;
    private static final int O_TRUNC = 01000;
    private static final int O_NOFOLLOW = 0400000;

    private final List<LayerIndex> lowers; // top first
    private final Path upper;
    private final Path work;
    private final Duration waitTimeout;
    private final AccessTracer tracer;
    private final Origins origins;
    private final ReentrantLock mutations = new ReentrantLock();
    /**
     * Shapes of resolved paths (which layers contribute, whether the upper layer has the entry; upper attributes
     * are re-read on every use): lower layers are immutable once complete and the upper layer changes only through
     * this file system, so an entry stays valid until a namespace change touches its path. Used only while no
     * change is in progress ({@link #changeSeq} even) and once every lower layer is complete.
     */
    private final java.util.concurrent.ConcurrentHashMap<String, Resolved> shapes = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_SHAPES = 1 << 18;
    /** Incremented when a namespace change starts and when it ends: odd while one is in progress. */
    private final java.util.concurrent.atomic.AtomicLong changeSeq = new java.util.concurrent.atomic.AtomicLong();
    private final Set<String> touched = new java.util.HashSet<>(); // guarded by mutations
    private boolean touchedAll; // guarded by mutations
    private volatile boolean lowersComplete;
    private final long mountedAt = System.nanoTime();
    private final java.util.concurrent.CompletableFuture<Void> initialized = new java.util.concurrent.CompletableFuture<>();

    /**
     * @param lowers read-only layers, top first
     * @param upper the writable layer's directory
     * @param work scratch directory on the same file system as {@code upper}
     * @param waitTimeout longest wait for content of a layer still arriving (then EIO)
     * @param tracer where first accesses go
     */
    public UnionFs(List<LayerIndex> lowers, Path upper, Path work, Duration waitTimeout, AccessTracer tracer)
            throws IOException {
        this.lowers = List.copyOf(lowers);
        this.upper = Objects.requireNonNull(upper, "upper is null");
        this.work = Objects.requireNonNull(work, "work is null");
        this.waitTimeout = Objects.requireNonNull(waitTimeout, "waitTimeout is null");
        this.tracer = Objects.requireNonNull(tracer, "tracer is null");
        Files.createDirectories(upper);
        Files.createDirectories(work);
        this.origins = new Origins(work.resolveSibling(work.getFileName() + ".origins"));
        HotPathCallbacks.install(fuseOperations, this);
    }

    // ---------------------------------------------------------------- resolution

    /** A contribution of a read-only layer. */
    record Lower(int layer, LayerIndex index, LayerIndex.Node node) {
        LayerEntry entry() {
            return index.entry(node);
        }

        EntryKind kind() {
            return index.kind(node);
        }
    }

    /** What a path is in the merged view. */
    static final class Resolved {
        final String rel;
        Path upperPath;
        UpperStat upperAttrs;
        boolean upperOpaque;
        final List<Lower> lowers = new ArrayList<>();

        Resolved(String rel) {
            this.rel = rel;
        }

        /** A copy with fresh upper attributes (the shape, lower contributions included, is shared). */
        Resolved withUpper(UpperStat attrs) {
            Resolved r = new Resolved(rel);
            r.upperPath = upperPath;
            r.upperAttrs = attrs;
            r.upperOpaque = upperOpaque;
            r.lowers.addAll(lowers);
            return r;
        }

        boolean exists() {
            return upperAttrs != null || !lowers.isEmpty();
        }

        boolean isDir() {
            if (upperAttrs != null) {
                return upperAttrs.isDir();
            }
            return !lowers.isEmpty() && lowers.get(0).kind() == EntryKind.DIR;
        }
    }

    static String rel(String fusePath) {
        return fusePath.equals("/") ? "" : fusePath.substring(1);
    }

    private Path upperOf(String rel) {
        return rel.isEmpty() ? upper : upper.resolve(rel);
    }

    Resolved resolve(String rel) throws IOException {
        long seq = changeSeq.get();
        if ((seq & 1) != 0 || !lowersComplete()) {
            return resolveUncached(rel);
        }
        Resolved s = shape(rel, seq);
        if (s.upperAttrs == null) {
            return s;
        }
        UpperStat now = UpperStat.of(s.upperPath);
        if (now == null || now.isDir() != s.upperAttrs.isDir()) {
            return resolveUncached(rel); // changed behind our back (not through the mount)
        }
        return s.withUpper(now);
    }

    private boolean lowersComplete() {
        if (lowersComplete) {
            return true;
        }
        for (LayerIndex l : lowers) {
            if (!l.isComplete()) {
                return false;
            }
        }
        lowersComplete = true;
        return true;
    }

    /** The cached shape of a path, built from its parent's; stored only if no change started since {@code seq}. */
    private Resolved shape(String rel, long seq) throws IOException {
        Resolved s = shapes.get(rel);
        if (s != null) {
            return s;
        }
        Resolved r;
        if (rel.isEmpty()) {
            r = resolveUncached("");
        } else {
            int slash = rel.lastIndexOf('/');
            Resolved parent = shape(slash < 0 ? "" : rel.substring(0, slash), seq);
            r = parent.exists() && parent.isDir() ? child(parent, rel.substring(slash + 1), rel) : new Resolved(rel);
        }
        if (shapes.size() >= MAX_SHAPES) {
            shapes.clear();
        }
        // atomic with the invalidation of this key: a shape computed before a change is never stored after it
        shapes.compute(rel, (k, old) -> changeSeq.get() == seq ? r : old);
        return r;
    }

    /** Starts a namespace change (reentrant); paths whose shape it changes are {@link #touch}ed. */
    private void beginChange() {
        mutations.lock();
        if (mutations.getHoldCount() == 1) {
            changeSeq.incrementAndGet();
        }
    }

    private void touch(String rel) {
        touched.add(rel);
    }

    private void touchAll() {
        touchedAll = true;
    }

    private void endChange() {
        try {
            if (mutations.getHoldCount() == 1) {
                if (touchedAll) {
                    shapes.clear();
                } else {
                    for (String t : touched) {
                        shapes.remove(t);
                    }
                }
                touched.clear();
                touchedAll = false;
                changeSeq.incrementAndGet();
            }
        } finally {
            mutations.unlock();
        }
    }

    /** Number of cached path shapes (tests). */
    int cachedShapes() {
        return shapes.size();
    }

    private Resolved resolveUncached(String rel) throws IOException {
        Resolved cur = new Resolved("");
        cur.upperPath = upper;
        cur.upperAttrs = UpperStat.of(upper);
        cur.upperOpaque = UpperStat.exists(upper.resolve(OPQ));
        if (!cur.upperOpaque) {
            for (int i = 0; i < lowers.size(); i++) {
                LayerIndex l = lowers.get(i);
                LayerIndex.Node root = l.lookup("", waitTimeout);
                cur.lowers.add(new Lower(i, l, root));
                if (l.isOpaque(root)) {
                    break;
                }
            }
        }
        if (rel.isEmpty()) {
            return cur;
        }
        String sofar = "";
        for (String name : rel.split("/")) {
            if (!cur.isDir()) {
                return new Resolved(rel);
            }
            sofar = sofar.isEmpty() ? name : sofar + "/" + name;
            cur = child(cur, name, sofar);
            if (!cur.exists()) {
                return new Resolved(rel);
            }
        }
        return cur;
    }

    private Resolved child(Resolved dir, String name, String childRel) throws IOException {
        Resolved out = new Resolved(childRel);
        if (name.startsWith(WH)) {
            return out; // the whiteout namespace is never visible
        }
        boolean stop = false;
        if (dir.upperAttrs != null) {
            Path p = dir.upperPath.resolve(name);
            UpperStat a = UpperStat.of(p);
            if (a != null) {
                out.upperPath = p;
                out.upperAttrs = a;
                if (!a.isDir()) {
                    return out;
                }
                out.upperOpaque = UpperStat.exists(p.resolve(OPQ));
                stop = out.upperOpaque;
            } else if (UpperStat.exists(dir.upperPath.resolve(WH + name))) {
                return out;
            }
        }
        if (stop) {
            return out;
        }
        for (Lower parent : dir.lowers) {
            if (parent.kind() != EntryKind.DIR) {
                continue;
            }
            LayerIndex.Node n = parent.index().lookup(childRel, waitTimeout);
            if (n == null) {
                continue;
            }
            EntryKind kind = parent.index().kind(n);
            if (kind == EntryKind.WHITEOUT) {
                break;
            }
            if (kind != EntryKind.DIR) {
                if (!out.exists()) {
                    out.lowers.add(new Lower(parent.layer(), parent.index(), n));
                }
                break;
            }
            out.lowers.add(new Lower(parent.layer(), parent.index(), n));
            if (parent.index().isOpaque(n)) {
                break;
            }
        }
        return out;
    }


    private long lowerIno(Lower l) {
        return ((long) (l.layer() + 1) << 40) | l.index().id(l.node());
    }

    private long upperIno(UpperStat a) {
        long real = a.ino();
        Long origin = origins.get(real);
        return origin != null ? origin : (1L << 62) | real;
    }

    // ---------------------------------------------------------------- attributes

    @Override
    public int getattr(String path, FileStat stat) {
        return run(() -> {
            Resolved r = resolve(rel(path));
            if (!r.exists()) {
                return -ErrorCodes.ENOENT();
            }
            fill(r, stat);
            return 0;
        });
    }

    @Override
    public int fgetattr(String path, FileStat stat, FuseFileInfo fi) {
        return getattr(path, stat);
    }

    private void fill(Resolved r, FileStat stat) {
        if (r.upperAttrs != null) {
            UpperStat a = r.upperAttrs;
            stat.st_mode.set(a.mode());
            stat.st_ino.set(r.rel.isEmpty() ? 1 : upperIno(a));
            stat.st_nlink.set(a.nlink());
            stat.st_uid.set(a.uid());
            stat.st_gid.set(a.gid());
            stat.st_size.set(a.size());
            stat.st_rdev.set(a.rdev());
            stat.st_blocks.set((a.size() + 511) / 512);
            stat.st_blksize.set(4096);
            stat.st_mtim.tv_sec.set(a.mtimeSec());
            stat.st_mtim.tv_nsec.set(a.mtimeNsec());
            stat.st_atim.tv_sec.set(a.atimeSec());
            stat.st_atim.tv_nsec.set(a.atimeNsec());
            stat.st_ctim.tv_sec.set(a.ctimeSec());
            stat.st_ctim.tv_nsec.set(a.ctimeNsec());
            return;
        }
        Lower l = r.lowers.get(0);
        LayerEntry e = l.entry();
        int type = switch (e.kind()) {
            case DIR -> FileStat.S_IFDIR;
            case SYMLINK -> FileStat.S_IFLNK;
            case CHAR_DEVICE -> FileStat.S_IFCHR;
            case BLOCK_DEVICE -> FileStat.S_IFBLK;
            case FIFO -> FileStat.S_IFIFO;
            default -> FileStat.S_IFREG;
        };
        stat.st_mode.set(type | e.mode());
        stat.st_ino.set(r.rel.isEmpty() ? 1 : lowerIno(l));
        stat.st_nlink.set(e.kind() == EntryKind.DIR ? 2 : l.index().links(l.node()));
        stat.st_uid.set(e.uid());
        stat.st_gid.set(e.gid());
        long size = e.kind() == EntryKind.SYMLINK ? e.link().getBytes(StandardCharsets.UTF_8).length : e.size();
        stat.st_size.set(size);
        stat.st_blocks.set((size + 511) / 512);
        stat.st_blksize.set(4096);
        stat.st_rdev.set(((long) e.devMajor() << 8) | (e.devMinor() & 0xff) | ((long) (e.devMinor() & ~0xff) << 12));
        long secs = Math.floorDiv(e.mtimeMillis(), 1000);
        long nanos = Math.floorMod(e.mtimeMillis(), 1000) * 1_000_000L;
        for (Timespec t : List.of(stat.st_mtim, stat.st_atim, stat.st_ctim)) {
            t.tv_sec.set(secs);
            t.tv_nsec.set(nanos);
        }
    }

    private static void time(Timespec t, FileTime ft) {
        java.time.Instant i = ft.toInstant();
        t.tv_sec.set(i.getEpochSecond());
        t.tv_nsec.set(i.getNano());
    }

    @Override
    public int readlink(String path, Pointer buf, @size_t long size) {
        return run(() -> {
            Resolved r = resolve(rel(path));
            if (!r.exists()) {
                return -ErrorCodes.ENOENT();
            }
            String target;
            if (r.upperAttrs != null) {
                if ((r.upperAttrs.mode() & FileStat.S_IFMT) != FileStat.S_IFLNK) {
                    return -ErrorCodes.EINVAL();
                }
                target = Files.readSymbolicLink(r.upperPath).toString();
            } else {
                if (r.lowers.get(0).kind() != EntryKind.SYMLINK) {
                    return -ErrorCodes.EINVAL();
                }
                target = r.lowers.get(0).entry().link();
                tracer.accessed(r.rel, System.nanoTime() - mountedAt, 0);
            }
            byte[] b = target.getBytes(StandardCharsets.UTF_8);
            int n = (int) Math.min(b.length, size - 1);
            buf.put(0, b, 0, n);
            buf.putByte(n, (byte) 0);
            return 0;
        });
    }

    @Override
    public int readdir(String path, Pointer buf, FuseFillDir filter, @off_t long offset, FuseFileInfo fi) {
        return run(() -> {
            Resolved r = resolve(rel(path));
            if (!r.exists()) {
                return -ErrorCodes.ENOENT();
            }
            if (!r.isDir()) {
                return -ErrorCodes.ENOTDIR();
            }
            filter.apply(buf, ".", null, 0);
            filter.apply(buf, "..", null, 0);
            for (String name : names(r)) {
                if (filter.apply(buf, name, null, 0) != 0) {
                    break;
                }
            }
            return 0;
        });
    }

    /** The merged names of a directory, sorted. */
    private Set<String> names(Resolved dir) throws IOException {
        Set<String> names = new TreeSet<>();
        Set<String> hidden = new TreeSet<>();
        if (dir.upperAttrs != null) {
            try (var s = Files.newDirectoryStream(dir.upperPath)) {
                for (Path p : s) {
                    String n = p.getFileName().toString();
                    if (n.equals(OPQ)) {
                        continue;
                    }
                    if (n.startsWith(WH)) {
                        hidden.add(n.substring(WH.length()));
                    } else {
                        names.add(n);
                    }
                }
            }
            if (dir.upperOpaque) {
                return names;
            }
        }
        for (Lower l : dir.lowers) {
            if (l.kind() != EntryKind.DIR) {
                continue;
            }
            for (Map.Entry<String, LayerIndex.Node> c : l.index().children(l.node()).entrySet()) {
                String n = c.getKey();
                if (hidden.contains(n) || names.contains(n)) {
                    continue;
                }
                if (l.index().kind(c.getValue()) == EntryKind.WHITEOUT) {
                    hidden.add(n);
                } else {
                    names.add(n);
                }
            }
        }
        return names;
    }

    @Override
    public int getxattr(String path, String name, Pointer value, @size_t long size) {
        return run(() -> {
            Resolved r = resolve(rel(path));
            if (!r.exists()) {
                return -ErrorCodes.ENOENT();
            }
            byte[] v;
            if (r.upperAttrs != null) {
                String p = r.upperPath.toString();
                long n = Libc.INSTANCE.lgetxattr(p, name, null, 0);
                if (n < 0) {
                    return -Libc.errno();
                }
                v = new byte[(int) n];
                n = Libc.INSTANCE.lgetxattr(p, name, v, v.length);
                if (n < 0) {
                    return -Libc.errno();
                }
            } else {
                v = r.lowers.get(0).entry().xattrs().get(name);
                if (v == null) {
                    return -ErrorCodes.ENODATA();
                }
            }
            if (size == 0) {
                return v.length;
            }
            if (size < v.length) {
                return -ErrorCodes.ERANGE();
            }
            value.put(0, v, 0, v.length);
            return v.length;
        });
    }

    @Override
    public int listxattr(String path, Pointer list, @size_t long size) {
        return run(() -> {
            Resolved r = resolve(rel(path));
            if (!r.exists()) {
                return -ErrorCodes.ENOENT();
            }
            byte[] v;
            if (r.upperAttrs != null) {
                String p = r.upperPath.toString();
                long n = Libc.INSTANCE.llistxattr(p, null, 0);
                if (n < 0) {
                    return -Libc.errno();
                }
                v = new byte[(int) n];
                n = Libc.INSTANCE.llistxattr(p, v, v.length);
                if (n < 0) {
                    return -Libc.errno();
                }
                v = java.util.Arrays.copyOf(v, (int) n);
            } else {
                java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
                for (String k : r.lowers.get(0).entry().xattrs().keySet()) {
                    b.writeBytes(k.getBytes(StandardCharsets.UTF_8));
                    b.write(0);
                }
                v = b.toByteArray();
            }
            if (size == 0) {
                return v.length;
            }
            if (size < v.length) {
                return -ErrorCodes.ERANGE();
            }
            list.put(0, v, 0, v.length);
            return v.length;
        });
    }

    @Override
    public int statfs(String path, Statvfs stbuf) {
        return run(() -> {
            FileStore store = Files.getFileStore(upper);
            long bsize = 4096;
            stbuf.f_bsize.set(bsize);
            stbuf.f_frsize.set(bsize);
            stbuf.f_blocks.set(store.getTotalSpace() / bsize);
            stbuf.f_bfree.set(store.getUnallocatedSpace() / bsize);
            stbuf.f_bavail.set(store.getUsableSpace() / bsize);
            stbuf.f_files.set(1_000_000);
            stbuf.f_ffree.set(1_000_000);
            stbuf.f_favail.set(1_000_000);
            stbuf.f_namemax.set(255);
            return 0;
        });
    }

    @Override
    public int access(String path, int mask) {
        return run(() -> resolve(rel(path)).exists() ? 0 : -ErrorCodes.ENOENT());
    }

    // ---------------------------------------------------------------- file I/O

    @Override
    public int open(String path, FuseFileInfo fi) {
        return run(() -> {
            String rel = rel(path);
            int flags = fi.flags.get();
            boolean writing = (flags & O_ACCMODE) == O_WRONLY || (flags & O_ACCMODE) == O_RDWR || (flags & O_TRUNC) != 0;
            Resolved r = resolve(rel);
            if (!r.exists()) {
                return -ErrorCodes.ENOENT();
            }
            String file;
            if (writing) {
                if (r.upperAttrs == null) {
                    copyUp(rel);
                }
                file = upperOf(rel).toString();
            } else if (r.upperAttrs != null) {
                file = r.upperPath.toString();
            } else {
                Lower l = r.lowers.get(0);
                long start = System.nanoTime();
                if (l.kind() == EntryKind.FILE) {
                    l.index().awaitContent(l.node(), waitTimeout);
                }
                long waited = System.nanoTime() - start;
                tracer.accessed(rel, start - mountedAt, waited);
                file = l.index().contentPath(l.node()).toString();
                int fd = Libc.INSTANCE.open(file, O_NOFOLLOW, 0);
                if (fd < 0 && Libc.errno() == ErrorCodes.ENOENT()) {
                    // the layer was moved into the store meanwhile: the index points at its new place
                    fd = Libc.INSTANCE.open(l.index().contentPath(l.node()).toString(), O_NOFOLLOW, 0);
                }
                if (fd < 0) {
                    return -Libc.errno();
                }
                fi.fh.set(fd);
                return 0;
            }
            if (r.upperAttrs != null && !writing) {
                tracer.accessed(rel, System.nanoTime() - mountedAt, 0);
            }
            int fd = Libc.INSTANCE.open(file, flags & ~(O_CREAT | O_EXCL), 0);
            if (fd < 0) {
                return -Libc.errno();
            }
            fi.fh.set(fd);
            return 0;
        });
    }

    @Override
    public int create(String path, @mode_t long mode, FuseFileInfo fi) {
        return run(() -> {
            String rel = rel(path);
            if (rel.substring(rel.lastIndexOf('/') + 1).startsWith(WH)) {
                return -ErrorCodes.EINVAL();
            }
            beginChange();
            try {
                touch(rel);
                Resolved r = resolve(rel);
                int flags = fi.flags.get();
                if (r.exists()) {
                    if ((flags & O_EXCL) != 0) {
                        return -ErrorCodes.EEXIST();
                    }
                    copyUp(rel);
                } else {
                    prepareName(rel);
                }
                Path p = upperOf(rel);
                int fd = Libc.INSTANCE.open(p.toString(), (flags & ~O_EXCL) | O_CREAT, (int) mode & 07777);
                if (fd < 0) {
                    return -Libc.errno();
                }
                if (!r.exists()) {
                    Libc.INSTANCE.chmod(p.toString(), (int) mode & 07777);
                    ownByCaller(p);
                }
                fi.fh.set(fd);
                return 0;
            } finally {
                endChange();
            }
        });
    }

    @Override
    public int read(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
        int fd = (int) fi.fh.get();
        long total = 0;
        while (total < size) {
            long n = Libc.INSTANCE.pread(fd, buf.slice(total), size - total, offset + total);
            if (n < 0) {
                return -Libc.errno();
            }
            if (n == 0) {
                break;
            }
            total += n;
        }
        return (int) total;
    }

    /**
     * Answers a read with a buffer that names the file descriptor instead of bytes: libfuse then moves the data from
     * the file to the kernel itself (splice where possible), without a copy through Java. The {@code fuse_bufvec}
     * (one {@code fuse_buf}; LP64 layout) is malloc'ed because libfuse frees it after replying.
     */
    @Override
    public int read_buf(String path, Pointer bufp, @size_t long size, @off_t long offset, FuseFileInfo fi) {
        return readBuf(bufp, size, offset, (int) fi.fh.get());
    }

    /** {@link #read_buf} on a file descriptor (see {@link HotPathCallbacks}). */
    int readBuf(Pointer bufp, long size, long offset, int fd) {
        long addr = Libc.INSTANCE.malloc(64);
        if (addr == 0) {
            return -ErrorCodes.ENOMEM();
        }
        Pointer v = Pointer.wrap(jnr.ffi.Runtime.getRuntime(Libc.INSTANCE), addr);
        v.putLong(0, 1);        // count
        v.putLong(8, 0);        // idx
        v.putLong(16, 0);       // off
        v.putLong(24, size);    // buf[0].size
        v.putInt(32, FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK | FUSE_BUF_FD_RETRY);
        v.putInt(36, 0);
        v.putLong(40, 0);       // mem
        v.putInt(48, fd);
        v.putInt(52, 0);
        v.putLong(56, offset);  // pos
        bufp.putAddress(0, addr);
        return 0;
    }

    @Override
    public int write(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
        long n = Libc.INSTANCE.pwrite((int) fi.fh.get(), buf, size, offset);
        return n < 0 ? -Libc.errno() : (int) n;
    }

    @Override
    public int flush(String path, FuseFileInfo fi) {
        return 0;
    }

    @Override
    public int fsync(String path, int isdatasync, FuseFileInfo fi) {
        return Libc.INSTANCE.fsync((int) fi.fh.get()) < 0 ? -Libc.errno() : 0;
    }

    @Override
    public int release(String path, FuseFileInfo fi) {
        Libc.INSTANCE.close((int) fi.fh.get());
        return 0;
    }

    @Override
    public int ftruncate(String path, @off_t long size, FuseFileInfo fi) {
        return Libc.INSTANCE.ftruncate((int) fi.fh.get(), size) < 0 ? -Libc.errno() : 0;
    }

    @Override
    public int truncate(String path, @off_t long size) {
        return run(() -> {
            String rel = rel(path);
            if (!resolve(rel).exists()) {
                return -ErrorCodes.ENOENT();
            }
            copyUp(rel);
            int fd = Libc.INSTANCE.open(upperOf(rel).toString(), O_WRONLY, 0);
            if (fd < 0) {
                return -Libc.errno();
            }
            try {
                return Libc.INSTANCE.ftruncate(fd, size) < 0 ? -Libc.errno() : 0;
            } finally {
                Libc.INSTANCE.close(fd);
            }
        });
    }

    // ---------------------------------------------------------------- metadata changes (copy-up first)

    @Override
    public int chmod(String path, @mode_t long mode) {
        return changeUp(path, p -> Libc.INSTANCE.chmod(p, (int) mode & 07777));
    }

    @Override
    public int chown(String path, @uid_t long uid, @gid_t long gid) {
        return changeUp(path, p -> Libc.INSTANCE.lchown(p, (int) uid, (int) gid));
    }

    @Override
    public int utimens(String path, Timespec[] timespec) {
        long[] times = {timespec[0].tv_sec.get(), timespec[0].tv_nsec.longValue(),
                timespec[1].tv_sec.get(), timespec[1].tv_nsec.longValue()};
        return changeUp(path, p -> Libc.INSTANCE.utimensat(Libc.AT_FDCWD, p, times, Libc.AT_SYMLINK_NOFOLLOW));
    }

    @Override
    public int setxattr(String path, String name, Pointer value, @size_t long size, int flags) {
        byte[] v = new byte[(int) size];
        value.get(0, v, 0, v.length);
        return changeUp(path, p -> Libc.INSTANCE.lsetxattr(p, name, v, v.length, flags));
    }

    @Override
    public int removexattr(String path, String name) {
        return changeUp(path, p -> Libc.INSTANCE.lremovexattr(p, name));
    }

    private interface LibcCall {
        int call(String upperPath);
    }

    private int changeUp(String path, LibcCall call) {
        return run(() -> {
            String rel = rel(path);
            Resolved r = resolve(rel);
            if (!r.exists()) {
                return -ErrorCodes.ENOENT();
            }
            if (r.upperAttrs == null) {
                copyUp(rel);
            }
            return call.call(upperOf(rel).toString()) < 0 ? -Libc.errno() : 0;
        });
    }

    // ---------------------------------------------------------------- namespace changes

    @Override
    public int mkdir(String path, @mode_t long mode) {
        return create(path, p -> {
            Files.createDirectory(p);
            return 0;
        }, (int) mode & 07777, true);
    }

    @Override
    public int mknod(String path, @mode_t long mode, @dev_t long rdev) {
        return create(path, p -> Libc.INSTANCE.mknod(p.toString(), (int) mode, rdev) < 0 ? -Libc.errno() : 0,
                (int) mode & 07777, false);
    }

    @Override
    public int symlink(String oldpath, String newpath) {
        return create(newpath, p -> {
            Files.createSymbolicLink(p, Path.of(oldpath));
            return 0;
        }, -1, false);
    }

    private interface Maker {
        int make(Path upperPath) throws IOException;
    }

    private int create(String path, Maker maker, int mode, boolean dir) {
        return run(() -> {
            String rel = rel(path);
            if (rel.substring(rel.lastIndexOf('/') + 1).startsWith(WH)) {
                return -ErrorCodes.EINVAL();
            }
            beginChange();
            try {
                touch(rel);
                if (dir) {
                    touchAll(); // an opaque marker or a new directory: shapes below it change
                }
                if (resolve(rel).exists()) {
                    return -ErrorCodes.EEXIST();
                }
                boolean hadWhiteout = prepareName(rel);
                Path p = upperOf(rel);
                int rc = maker.make(p);
                if (rc != 0) {
                    return rc;
                }
                if (mode >= 0) {
                    Libc.INSTANCE.chmod(p.toString(), mode);
                }
                ownByCaller(p);
                if (dir && hadWhiteout) {
                    Files.createFile(p.resolve(OPQ));
                }
                return 0;
            } finally {
                endChange();
            }
        });
    }

    @Override
    public int link(String oldpath, String newpath) {
        return run(() -> {
            String from = rel(oldpath);
            String to = rel(newpath);
            beginChange();
            try {
                touch(from);
                touch(to);
                Resolved src = resolve(from);
                if (!src.exists()) {
                    return -ErrorCodes.ENOENT();
                }
                if (src.isDir()) {
                    return -ErrorCodes.EPERM();
                }
                if (resolve(to).exists()) {
                    return -ErrorCodes.EEXIST();
                }
                copyUp(from);
                prepareName(to);
                Files.createLink(upperOf(to), upperOf(from));
                return 0;
            } finally {
                endChange();
            }
        });
    }

    @Override
    public int unlink(String path) {
        return run(() -> {
            String rel = rel(path);
            beginChange();
            try {
                touch(rel);
                Resolved r = resolve(rel);
                if (!r.exists()) {
                    return -ErrorCodes.ENOENT();
                }
                if (r.isDir()) {
                    return -ErrorCodes.EISDIR();
                }
                if (r.upperAttrs != null) {
                    if (r.upperAttrs.nlink() <= 1) {
                        origins.remove(r.upperAttrs.ino());
                    }
                    Files.delete(r.upperPath);
                }
                whiteoutIfLowerShows(rel);
                return 0;
            } finally {
                endChange();
            }
        });
    }

    @Override
    public int rmdir(String path) {
        return run(() -> {
            String rel = rel(path);
            if (rel.isEmpty()) {
                return -ErrorCodes.EBUSY();
            }
            beginChange();
            try {
                touchAll();
                Resolved r = resolve(rel);
                if (!r.exists()) {
                    return -ErrorCodes.ENOENT();
                }
                if (!r.isDir()) {
                    return -ErrorCodes.ENOTDIR();
                }
                if (!names(r).isEmpty()) {
                    return -ErrorCodes.ENOTEMPTY();
                }
                if (r.upperAttrs != null) {
                    removeUpperDir(r.upperPath);
                }
                whiteoutIfLowerShows(rel);
                return 0;
            } finally {
                endChange();
            }
        });
    }

    @Override
    public int rename(String oldpath, String newpath) {
        return run(() -> {
            String from = rel(oldpath);
            String to = rel(newpath);
            if (to.substring(to.lastIndexOf('/') + 1).startsWith(WH)) {
                return -ErrorCodes.EINVAL();
            }
            if (from.equals(to)) {
                return 0;
            }
            if (to.startsWith(from + "/")) {
                return -ErrorCodes.EINVAL();
            }
            beginChange();
            try {
                touchAll();
                Resolved src = resolve(from);
                if (!src.exists()) {
                    return -ErrorCodes.ENOENT();
                }
                Resolved dst = resolve(to);
                if (dst.exists()) {
                    if (dst.isDir() && !src.isDir()) {
                        return -ErrorCodes.EISDIR();
                    }
                    if (!dst.isDir() && src.isDir()) {
                        return -ErrorCodes.ENOTDIR();
                    }
                    if (dst.isDir() && !names(dst).isEmpty()) {
                        return -ErrorCodes.ENOTEMPTY();
                    }
                }
                if (src.isDir()) {
                    copyUpTree(from);
                } else {
                    copyUp(from);
                }
                prepareName(to);
                Path target = upperOf(to);
                if (dst.exists() && dst.upperAttrs != null && dst.isDir()) {
                    removeUpperDir(target);
                }
                Files.move(upperOf(from), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                if (src.isDir() && !UpperStat.exists(target.resolve(OPQ))) {
                    // fully copied up: lower directories that happen to share the new name must not show through
                    Files.createFile(target.resolve(OPQ));
                }
                whiteoutIfLowerShows(from);
                return 0;
            } finally {
                endChange();
            }
        });
    }

    // ---------------------------------------------------------------- copy-up machinery

    /** Makes the parent exist in the upper layer and removes a whiteout of the name; returns whether there was one. */
    private boolean prepareName(String rel) throws IOException {
        int slash = rel.lastIndexOf('/');
        String parent = slash < 0 ? "" : rel.substring(0, slash);
        copyUp(parent);
        Path wh = upperOf(parent).resolve(WH + rel.substring(slash + 1));
        return Files.deleteIfExists(wh);
    }

    private void whiteoutIfLowerShows(String rel) throws IOException {
        if (resolve(rel).exists()) {
            int slash = rel.lastIndexOf('/');
            String parent = slash < 0 ? "" : rel.substring(0, slash);
            copyUp(parent);
            Path wh = upperOf(parent).resolve(WH + rel.substring(slash + 1));
            Files.deleteIfExists(wh);
            Files.createFile(wh);
        }
    }

    private static void removeUpperDir(Path dir) throws IOException {
        try (var s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                String n = p.getFileName().toString();
                if (!n.startsWith(WH)) {
                    throw new DirectoryNotEmptyException(dir.toString());
                }
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    /** Copies a directory and everything under it up (for rename of a lower directory). */
    private void copyUpTree(String rel) throws IOException {
        copyUp(rel);
        Resolved r = resolve(rel);
        for (String name : names(r)) {
            String child = rel.isEmpty() ? name : rel + "/" + name;
            Resolved c = resolve(child);
            if (c.isDir()) {
                copyUpTree(child);
            } else {
                copyUp(child);
            }
        }
    }

    /**
     * Ensures the entry exists in the upper layer, parents first. Each copy is built under a temporary name in the
     * work directory, given the lower entry's metadata, then renamed into place, so a crash never leaves a partial
     * file where the merged view would show it.
     */
    void copyUp(String rel) throws IOException {
        Resolved pre = resolve(rel);
        if (pre.upperAttrs != null) {
            return; // already up: an upper entry never goes back down, so no lock is needed to know
        }
        if (!mutations.isHeldByCurrentThread() && !pre.lowers.isEmpty() && pre.lowers.get(0).kind() == EntryKind.FILE) {
            // wait for content still arriving before taking the lock, so other changes are not held up meanwhile
            pre.lowers.get(0).index().awaitContent(pre.lowers.get(0).node(), waitTimeout);
        }
        beginChange();
        try {
            touch(rel);
            Resolved r = resolve(rel);
            if (!r.exists()) {
                throw new NoSuchFileException(rel);
            }
            if (r.upperAttrs != null) {
                return;
            }
            int slash = rel.lastIndexOf('/');
            copyUp(slash < 0 ? "" : rel.substring(0, slash));
            Lower l = r.lowers.get(0);
            LayerEntry e = l.entry();
            Path tmp = work.resolve("copyup-" + UUID.randomUUID());
            try {
                switch (e.kind()) {
                    case DIR -> Files.createDirectory(tmp);
                    case SYMLINK -> Files.createSymbolicLink(tmp, Path.of(e.link()));
                    case FILE -> {
                        long start = System.nanoTime();
                        l.index().awaitContent(l.node(), waitTimeout);
                        tracer.accessed(rel, start - mountedAt, System.nanoTime() - start);
                        Files.copy(l.index().contentPath(l.node()), tmp, LinkOption.NOFOLLOW_LINKS);
                    }
                    case CHAR_DEVICE, BLOCK_DEVICE, FIFO -> {
                        int type = e.kind() == EntryKind.CHAR_DEVICE ? FileStat.S_IFCHR
                                : e.kind() == EntryKind.BLOCK_DEVICE ? FileStat.S_IFBLK : FileStat.S_IFIFO;
                        long dev = ((long) e.devMajor() << 8) | (e.devMinor() & 0xff) | ((long) (e.devMinor() & ~0xff) << 12);
                        if (Libc.INSTANCE.mknod(tmp.toString(), type | e.mode(), dev) < 0) {
                            throw new IOException("mknod " + tmp + " failed: errno " + Libc.errno());
                        }
                    }
                    default -> throw new IOException("cannot copy up " + e.kind() + " " + rel);
                }
                String t = tmp.toString();
                Libc.INSTANCE.lchown(t, (int) e.uid(), (int) e.gid());
                if (e.kind() != EntryKind.SYMLINK) {
                    Libc.INSTANCE.chmod(t, e.mode());
                }
                for (Map.Entry<String, byte[]> x : e.xattrs().entrySet()) {
                    Libc.INSTANCE.lsetxattr(t, x.getKey(), x.getValue(), x.getValue().length, 0);
                }
                long secs = Math.floorDiv(e.mtimeMillis(), 1000);
                long nanos = Math.floorMod(e.mtimeMillis(), 1000) * 1_000_000L;
                Libc.INSTANCE.utimensat(Libc.AT_FDCWD, t, new long[] {secs, nanos, secs, nanos}, Libc.AT_SYMLINK_NOFOLLOW);
                long realIno = ((Number) Files.getAttribute(tmp, "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue();
                origins.put(realIno, lowerIno(l));
                Files.move(tmp, upperOf(rel), StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | RuntimeException ex) {
                if (Files.isDirectory(tmp, LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(tmp);
                } else {
                    Files.deleteIfExists(tmp);
                }
                throw ex;
            }
        } finally {
            endChange();
        }
    }

    private void ownByCaller(Path p) {
        var ctx = getContext();
        if (ctx != null && (ctx.uid.get() != OWN_UID || ctx.gid.get() != OWN_GID)) {
            Libc.INSTANCE.lchown(p.toString(), (int) ctx.uid.get(), (int) ctx.gid.get());
        }
    }

    // what this process creates files as: no chown needed when the caller is the same user
    private static final long OWN_UID = new com.sun.security.auth.module.UnixSystem().getUid();
    private static final long OWN_GID = new com.sun.security.auth.module.UnixSystem().getGid();

    // ---------------------------------------------------------------- errors

    private interface Op {
        int run() throws IOException;
    }

    private static int run(Op op) {
        try {
            return op.run();
        } catch (NoSuchFileException e) {
            return -ErrorCodes.ENOENT();
        } catch (FileAlreadyExistsException e) {
            return -ErrorCodes.EEXIST();
        } catch (DirectoryNotEmptyException e) {
            return -ErrorCodes.ENOTEMPTY();
        } catch (NotDirectoryException e) {
            return -ErrorCodes.ENOTDIR();
        } catch (AccessDeniedException e) {
            return -ErrorCodes.EACCES();
        } catch (LayerTimeoutException e) {
            LOG.warn("{}", e.getMessage());
            return -ErrorCodes.EIO();
        } catch (InterruptedIOException e) {
            return -ErrorCodes.EINTR();
        } catch (IOException | RuntimeException e) {
            LOG.warn("layerfs operation failed", e);
            return -ErrorCodes.EIO();
        }
    }

    // ---------------------------------------------------------------- mounting

    /** Mounts in the background and waits until libfuse initialized the mount (up to 20 s). */
    public void mountAt(Path mountPoint) throws IOException {
        // our own thread running the blocking mount: jnr-fuse's non-blocking mode queues the FUSE loop on the common
        // ForkJoinPool, where it can starve behind busy tasks (one worker on a 2-core machine)
        java.util.concurrent.CompletableFuture<Void> loop = new java.util.concurrent.CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                mount(mountPoint, true, false, singleThreaded()
                        ? new String[] {"-s", "-o", FUSE_OPTIONS} : new String[] {"-o", FUSE_OPTIONS});
                loop.complete(null);
            } catch (RuntimeException | Error e) {
                loop.completeExceptionally(e);
            }
        }, "layerfs-fuse-" + mountPoint.getFileName());
        t.setDaemon(true);
        t.start();
        try {
            java.util.concurrent.CompletableFuture.anyOf(initialized, loop).get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException("FUSE mount at " + mountPoint + " did not come up within 20 s");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("FUSE mount at " + mountPoint + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while mounting");
        }
        if (!initialized.isDone()) {
            throw new IOException("FUSE mount at " + mountPoint + " failed (is it already mounted, or not an empty directory?)");
        }
    }

    /** @return whether the FUSE loop serves one request at a time (see {@link #THREADS}) */
    boolean singleThreaded() {
        return switch (THREADS) {
            case "single" -> true;
            case "multi" -> false;
            default -> lowersComplete();
        };
    }

    @Override
    public Pointer init(Pointer conn) {
        initialized.complete(null); // libfuse calls init once the kernel mount exists, before any request
        return super.init(conn);
    }

    /** Unmounts; falls back to {@code fusermount -u -z} when the normal unmount fails. */
    public void unmount(Path mountPoint) {
        try {
            umount();
        } catch (RuntimeException e) {
            LOG.warn("unmount of {} failed, detaching lazily", mountPoint, e);
        }
        if (Mounts.isMounted(mountPoint)) {
            Mounts.lazyUnmount(mountPoint);
        }
        try {
            origins.close();
        } catch (IOException e) {
            LOG.warn("could not close origin map", e);
        }
    }
}
