package dev.cairn.projection;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Projects a set of files into a directory atomically, the way Kubernetes writes ConfigMap, Secret and downward-API
 * volumes ({@code pkg/volume/util/atomic_writer.go}). A reader that goes through the visible paths always sees one
 * complete version, never a half-written file nor a mix of two versions within one resolution of {@code ..data}.
 *
 * <p>Layout of the target directory:
 * <pre>
 *   &lt;target&gt;/podName        -&gt; ..data/podName          (visible symlinks, top-level elements only)
 *   &lt;target&gt;/user           -&gt; ..data/user
 *   &lt;target&gt;/..data         -&gt; ..2026_01_31_12_00_00.123456789   (the only thing an update swaps)
 *   &lt;target&gt;/..2026_01_31_12_00_00.123456789/podName, user/labels   (the real files)
 * </pre>
 *
 * <p>{@link #write} follows upstream's algorithm step by step:
 * <ol>
 *   <li>validate and clean the payload ({@link PayloadPaths});</li>
 *   <li>read {@code ..data} to find the current timestamped directory;</li>
 *   <li>walk it to find the paths that the new payload no longer has;</li>
 *   <li>compare it with the payload; if nothing differs and nothing is to be removed, only make sure the visible
 *       symlinks exist and return: <b>no new directory</b>;</li>
 *   <li>create a new timestamped directory {@code ..<UTC yyyy_MM_dd_HH_mm_ss>.<random>} (mode 0755);</li>
 *   <li>write the payload into it: directories 0755, files with their exact mode (set with {@code chmod} after
 *       writing, so the umask does not matter), then {@code chown} when an owner is given;</li>
 *   <li>call the {@link SetPerms} hook, if any, with the new directory;</li>
 *   <li>create the symlink {@code ..data_tmp -> <new dir name>};</li>
 *   <li>rename {@code ..data_tmp} over {@code ..data} ({@code rename(2)}: atomic);</li>
 *   <li>create the visible symlinks {@code <first element> -> ..data/<first element>} that are missing;</li>
 *   <li>remove visible symlinks of top-level paths that are gone (a top-level directory whose files all went away
 *       goes with them);</li>
 *   <li>remove the previous timestamped directory.</li>
 * </ol>
 *
 * <p>Deliberate deviations from upstream, each closing a known gap:
 * <ul>
 *   <li><b>Stale {@code ..data_tmp}.</b> Upstream's {@code symlink(..data_tmp)} fails with EEXIST forever after a crash
 *       between steps 8 and 9. Here a leftover {@code ..data_tmp} symlink is removed before step 8 (it never is the
 *       live version: only {@code ..data} is).</li>
 *   <li><b>Orphaned timestamped directories.</b> Upstream leaves the new directory behind when a step after 5 fails,
 *       and a crash leaves either directory behind; nothing ever removes them. Here a failed write removes its own
 *       directory, and every write sweeps directories named like {@code ..yyyy_MM_dd_HH_mm_ss.N} that {@code ..data}
 *       does not point to.</li>
 *   <li><b>Mode-only changes.</b> Upstream compares bytes only, so changing a file's mode (or owner) was never
 *       applied. Here a differing mode, or a differing uid/gid when one is given, is a change.</li>
 *   <li><b>Paths cleaning into {@code ..}.</b> Upstream validates the raw first element, so {@code ./..foo} was
 *       accepted and cleaned to {@code ..foo}; see {@link PayloadPaths}.</li>
 * </ul>
 * Smaller ones: visible entries are removed only when they are symlinks (never a user's real file or directory);
 * visible symlinks left dangling by a crash between steps 9 and 11 are removed by the next write; writers are
 * serialised per target directory, inside the JVM and across processes (an advisory lock on {@code ..lock}), so a
 * sweep never removes another writer's directory in progress; with {@code durable} the files, the new directory and
 * the target directory are fsynced before and after the rename.
 *
 * <p>Thread-safe. Readers need no lock. A reader that must see several files of one version resolves {@code ..data}
 * once (e.g. {@code toRealPath()} of one visible file) and reads the others relative to that directory; the old
 * directory is deleted right after the swap, so such a reader retries when a file has gone.
 */
public final class AtomicWriter {
    /** The symlink to the live timestamped directory. */
    public static final String DATA_DIR_NAME = "..data";
    /** The symlink that is renamed over {@link #DATA_DIR_NAME}. */
    public static final String DATA_TMP_NAME = "..data_tmp";
    /** The advisory lock file that serialises writers across processes. */
    public static final String LOCK_NAME = "..lock";

    private static final Logger LOG = LoggerFactory.getLogger(AtomicWriter.class);
    private static final Pattern TIMESTAMPED_DIR = Pattern.compile("\\.\\.\\d{4}_\\d{2}_\\d{2}_\\d{2}_\\d{2}_\\d{2}\\.\\d+");
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu_MM_dd_HH_mm_ss").withZone(ZoneOffset.UTC);
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwxr-xr-x");
    private static final Map<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    /**
     * Upstream's {@code setPerms func(subPath string) error}: called after the payload is written into the new
     * timestamped directory and before it is published, to adjust ownership or permissions (e.g. an fsGroup).
     */
    @FunctionalInterface
    public interface SetPerms {
        /**
         * @param timestampedDir the new directory (upstream passes its name relative to the target directory:
         *     {@code timestampedDir.getFileName()})
         * @throws IOException to abort the write; the new directory is removed and nothing is published
         */
        void apply(Path timestampedDir) throws IOException;
    }

    private final Path targetDir;
    private final Clock clock;
    private final RandomGenerator random;
    private final boolean durable;

    /**
     * A writer with the system UTC clock, a secure random suffix and no fsync (as upstream).
     *
     * @param targetDir the directory to project into; created when missing
     */
    public AtomicWriter(Path targetDir) {
        this(targetDir, Clock.systemUTC(), new SecureRandom(), false);
    }

    /**
     * @param targetDir the directory to project into; created when missing
     * @param clock names the timestamped directories
     * @param random the random suffix of the timestamped directories
     * @param durable fsync files and directories, so a crash right after {@link #write} returns cannot leave
     *     {@code ..data} pointing at empty files
     */
    public AtomicWriter(Path targetDir, Clock clock, RandomGenerator random, boolean durable) {
        this.targetDir = requireNonNull(targetDir, "targetDir is null").toAbsolutePath().normalize();
        this.clock = requireNonNull(clock, "clock is null");
        this.random = requireNonNull(random, "random is null");
        this.durable = durable;
    }

    /** @return the directory this writer projects into */
    public Path targetDir() {
        return targetDir;
    }

    /**
     * Projects the payload, without a {@link SetPerms} hook.
     *
     * @param payload relative paths mapped to files
     * @return whether the visible projection changed
     * @throws InvalidPayloadException before anything is written, when a path is invalid
     * @throws IOException when the file system fails; the previous version stays visible
     */
    public boolean write(Map<String, PayloadFile> payload) throws IOException {
        return write(payload, null);
    }

    /**
     * Projects the payload: afterwards the visible paths of the target directory are exactly the payload's.
     *
     * @param payload relative paths mapped to files
     * @param setPerms called on the new timestamped directory before it is published; may be {@code null}
     * @return whether the visible projection changed: {@code false} when the payload equals what is projected
     *     (no new directory is created then)
     * @throws InvalidPayloadException before anything is written, when a path is invalid
     * @throws IOException when the file system or the hook fails; the previous version stays visible
     */
    public boolean write(Map<String, PayloadFile> payload, SetPerms setPerms) throws IOException {
        // (1) validate before touching the disk
        SortedMap<String, PayloadFile> clean = PayloadPaths.cleanPayload(payload);
        Files.createDirectories(targetDir);
        ReentrantLock lock = LOCKS.computeIfAbsent(targetDir, k -> new ReentrantLock());
        lock.lock();
        try (FileChannel lockFile = FileChannel.open(targetDir.resolve(LOCK_NAME), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock ignored = lockFile.lock()) {
            return writeLocked(clean, setPerms);
        } finally {
            lock.unlock();
        }
    }

    private boolean writeLocked(SortedMap<String, PayloadFile> payload, SetPerms setPerms) throws IOException {
        Path dataLink = targetDir.resolve(DATA_DIR_NAME);
        Path dataTmp = targetDir.resolve(DATA_TMP_NAME);
        // Deviation (gap 1): a ..data_tmp left by a crash would make step 8 fail forever.
        removeStaleDataTmp(dataTmp);
        // (2) the current timestamped directory
        String oldTsName = currentTimestampedDir(dataLink);
        Path oldTsPath = oldTsName == null ? null : targetDir.resolve(oldTsName);
        // Deviation (gap 2): orphans from failed or crashed writes.
        sweepOrphans(oldTsName);
        Set<String> topLevel = new TreeSet<>();
        for (String p : payload.keySet()) {
            topLevel.add(PayloadPaths.firstElement(p));
        }
        // (3) paths the new payload no longer has
        Set<String> pathsToRemove = oldTsPath == null ? Set.of() : pathsToRemove(payload, oldTsPath);
        // (4) anything to write?
        boolean shouldWrite = oldTsPath == null || shouldWritePayload(payload, oldTsPath);
        if (!shouldWrite && pathsToRemove.isEmpty()) {
            // As upstream (kubernetes#121472): the data is current, but the visible links may be missing.
            boolean repaired = createUserVisibleFiles(topLevel);
            repaired |= removeUserVisiblePaths(Set.of(), topLevel);
            return repaired;
        }
        // (5) a new timestamped directory
        Path newTsDir = newTimestampDir();
        try {
            // (6) the payload
            writePayloadToDir(payload, newTsDir);
            // (7) the hook
            if (setPerms != null) {
                setPerms.apply(newTsDir);
            }
            if (durable) {
                fsync(newTsDir);
            }
            // (8) ..data_tmp -> new dir, (9) renamed over ..data
            Files.createSymbolicLink(dataTmp, newTsDir.getFileName());
            Files.move(dataTmp, dataLink, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            // Deviation (gap 2): do not leave the unpublished directory behind.
            try {
                Files.deleteIfExists(dataTmp);
                deleteRecursively(newTsDir);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        if (durable) {
            fsync(targetDir);
        }
        // (10) visible symlinks, (11) visible paths that are gone, (12) the old directory
        createUserVisibleFiles(topLevel);
        removeUserVisiblePaths(pathsToRemove, topLevel);
        if (oldTsPath != null) {
            deleteRecursively(oldTsPath);
        }
        LOG.debug("projected {} files into {} ({})", payload.size(), targetDir, newTsDir.getFileName());
        return true;
    }

    private static void removeStaleDataTmp(Path dataTmp) throws IOException {
        if (!Files.exists(dataTmp, NOFOLLOW)) {
            return;
        }
        if (!Files.isSymbolicLink(dataTmp)) {
            throw new IOException(dataTmp + " exists and is not a symlink; refusing to remove it");
        }
        LOG.warn("removing stale {} left by an interrupted write", dataTmp);
        Files.delete(dataTmp);
    }

    private String currentTimestampedDir(Path dataLink) throws IOException {
        if (!Files.exists(dataLink, NOFOLLOW)) {
            return null;
        }
        if (!Files.isSymbolicLink(dataLink)) {
            throw new IOException(dataLink + " is not a symlink; this directory was not written by an atomic writer");
        }
        String name = Files.readSymbolicLink(dataLink).toString();
        if (name.contains("/") || !name.startsWith("..")) {
            throw new IOException(dataLink + " points to " + name + ", not to a timestamped directory beside it");
        }
        if (!Files.isDirectory(targetDir.resolve(name), NOFOLLOW)) {
            LOG.warn("{} points to {}, which is missing; writing a full new version", dataLink, name);
            return null;
        }
        return name;
    }

    private void sweepOrphans(String currentName) throws IOException {
        List<Path> orphans = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(targetDir, "..*")) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.equals(currentName) && TIMESTAMPED_DIR.matcher(name).matches()
                        && Files.isDirectory(entry, NOFOLLOW)) {
                    orphans.add(entry);
                }
            }
        }
        for (Path orphan : orphans) {
            LOG.info("removing orphaned timestamped directory {}", orphan);
            deleteRecursively(orphan);
        }
    }

    /** Upstream's {@code pathsToRemove}: everything under the old directory that is not a prefix of a new path. */
    private static Set<String> pathsToRemove(SortedMap<String, PayloadFile> payload, Path oldTsPath)
            throws IOException {
        Set<String> paths = new HashSet<>();
        Files.walkFileTree(oldTsPath, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (!dir.equals(oldTsPath)) {
                    paths.add(relative(oldTsPath, dir));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                paths.add(relative(oldTsPath, file));
                return FileVisitResult.CONTINUE;
            }
        });
        for (String file : payload.keySet()) {
            for (String sub = file; ; sub = sub.substring(0, sub.lastIndexOf('/'))) {
                paths.remove(sub);
                if (sub.indexOf('/') < 0) {
                    break;
                }
            }
        }
        return paths;
    }

    private static String relative(Path base, Path p) {
        return base.relativize(p).toString();
    }

    /** Upstream's {@code shouldWritePayload}, plus mode and owner (gap 3). */
    private static boolean shouldWritePayload(SortedMap<String, PayloadFile> payload, Path oldTsPath)
            throws IOException {
        for (Map.Entry<String, PayloadFile> e : payload.entrySet()) {
            if (shouldWriteFile(oldTsPath.resolve(e.getKey()), e.getValue())) {
                return true;
            }
        }
        return false;
    }

    private static boolean shouldWriteFile(Path path, PayloadFile file) throws IOException {
        Map<String, Object> attrs;
        try {
            attrs = Files.readAttributes(path, "unix:mode,uid,gid,size,isRegularFile", NOFOLLOW);
        } catch (FileSystemException e) {
            // missing, or a parent is now a file: either way the old version differs
            return true;
        }
        if (!(Boolean) attrs.get("isRegularFile")) {
            return true;
        }
        // Deviation (gap 3): a mode-only or owner-only change is a change.
        if (((Integer) attrs.get("mode") & 0777) != file.mode()) {
            return true;
        }
        if (file.uid().isPresent() && (Integer) attrs.get("uid") != file.uid().getAsInt()) {
            return true;
        }
        if (file.gid().isPresent() && (Integer) attrs.get("gid") != file.gid().getAsInt()) {
            return true;
        }
        byte[] content = file.sharedBytes();
        if ((Long) attrs.get("size") != content.length) {
            return true;
        }
        return !Arrays.equals(Files.readAllBytes(path), content);
    }

    private Path newTimestampDir() throws IOException {
        String stamp = ".." + TIMESTAMP.format(clock.instant()) + ".";
        for (int attempt = 0; ; attempt++) {
            Path dir = targetDir.resolve(stamp + random.nextInt(1_000_000_000));
            try {
                Files.createDirectory(dir);
                Files.setPosixFilePermissions(dir, DIR_MODE);
                return dir;
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 100) {
                    throw e;
                }
            }
        }
    }

    private void writePayloadToDir(SortedMap<String, PayloadFile> payload, Path dir) throws IOException {
        Set<Path> made = new HashSet<>();
        made.add(dir);
        for (Map.Entry<String, PayloadFile> e : payload.entrySet()) {
            Path file = dir.resolve(e.getKey());
            makeDirs(file.getParent(), made);
            PayloadFile pf = e.getValue();
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(pf.sharedBytes());
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                if (durable) {
                    ch.force(true);
                }
            }
            // As upstream: chmod after creating, so the mode is exact whatever the umask.
            Files.setPosixFilePermissions(file, permissions(pf.mode()));
            if (pf.uid().isPresent()) {
                Files.setAttribute(file, "unix:uid", pf.uid().getAsInt(), NOFOLLOW);
            }
            if (pf.gid().isPresent()) {
                Files.setAttribute(file, "unix:gid", pf.gid().getAsInt(), NOFOLLOW);
            }
        }
        if (durable) {
            for (Path d : made) {
                fsync(d);
            }
        }
    }

    private static void makeDirs(Path dir, Set<Path> made) throws IOException {
        if (made.contains(dir)) {
            return;
        }
        makeDirs(dir.getParent(), made);
        Files.createDirectory(dir);
        Files.setPosixFilePermissions(dir, DIR_MODE);
        made.add(dir);
    }

    /** Step 10: {@code name -> ..data/name} for each top-level element that has no visible entry yet. */
    private boolean createUserVisibleFiles(Set<String> topLevel) throws IOException {
        boolean created = false;
        for (String name : topLevel) {
            Path visible = targetDir.resolve(name);
            if (!Files.exists(visible, NOFOLLOW)) {
                Files.createSymbolicLink(visible, Path.of(DATA_DIR_NAME, name));
                created = true;
            }
        }
        return created;
    }

    /**
     * Step 11: removes the top-level paths that are gone, and visible symlinks into {@code ..data} whose name the
     * payload no longer has (left by a crash between steps 9 and 11).
     */
    private boolean removeUserVisiblePaths(Set<String> pathsToRemove, Set<String> topLevel) throws IOException {
        Set<String> names = new TreeSet<>();
        for (String p : pathsToRemove) {
            if (p.indexOf('/') < 0) {
                names.add(p);
            }
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(targetDir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.startsWith("..") && !topLevel.contains(name) && Files.isSymbolicLink(entry)
                        && Files.readSymbolicLink(entry).equals(Path.of(DATA_DIR_NAME, name))) {
                    names.add(name);
                }
            }
        }
        boolean removed = false;
        for (String name : names) {
            Path visible = targetDir.resolve(name);
            if (Files.isSymbolicLink(visible)) {
                Files.delete(visible);
                removed = true;
            } else if (Files.exists(visible, NOFOLLOW)) {
                LOG.warn("not removing {}: it is not a symlink made by the atomic writer", visible);
            }
        }
        return removed;
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
        };
        for (int bit = 0; bit < 9; bit++) {
            if ((mode & (1 << bit)) != 0) {
                perms.add(order[bit]);
            }
        }
        return perms;
    }

    /** @return the permission bits of a set of permissions, e.g. {@code 0644} */
    static int mode(Set<PosixFilePermission> perms) {
        int mode = 0;
        for (int bit = 0; bit < 9; bit++) {
            if (perms.contains(permissionOfBit(bit))) {
                mode |= 1 << bit;
            }
        }
        return mode;
    }

    private static PosixFilePermission permissionOfBit(int bit) {
        return permissions(1 << bit).iterator().next();
    }

    private static void fsync(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root, NOFOLLOW)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
